/** @odoo-module **/
// The campaigns' list: Track Campaign and Refresh All Reports in its gear menu (beside Import
// and Export All) rather than as two header buttons, which squeezed the breadcrumb.
import { Component } from "@odoo/owl";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { registry } from "@web/core/registry";
import { STATIC_ACTIONS_GROUP_NUMBER } from "@web/search/action_menus/action_menus";

export class MailchimpCampaignCogMenu extends Component {
    static template = "mailchimp_connector.CampaignCogMenu";
    static components = { DropdownItem };
    static props = {};

    setup() {
        // the menu closes (this component goes) before the server answers: the services
        // themselves, whose answers a gone component still gets (useService's do not)
        this.services = this.env.services;
    }

    async reload() {
        await this.env.searchModel.search();
    }

    async trackCampaign() {
        await this.services.action.doAction("mailchimp_connector.action_mailchimp_campaign_track", {
            onClose: () => this.reload(),
        });
    }

    async refreshAllReports() {
        const { orm, action } = this.services;
        const result = await orm.call("mailchimp.campaign", "action_refresh_all_reports", []);
        if (result) {
            await action.doAction(result);
        }
    }
}

export const mailchimpCampaignCogMenu = {
    Component: MailchimpCampaignCogMenu,
    groupNumber: STATIC_ACTIONS_GROUP_NUMBER,
    isDisplayed: ({ config, searchModel }) =>
        searchModel.resModel === "mailchimp.campaign" && config.viewType === "list",
};

registry.category("cogMenu").add("mailchimp-campaign-menu", mailchimpCampaignCogMenu, {
    sequence: 5,
});
