/** @odoo-module **/
// Live screens: the server tells, through Odoo's bus, which Mailchimp records changed
// (models/mailchimp_live.py); an open form, list or kanban of such a model reloads what it
// shows, unless the user is editing it. No polling: nothing happens until a change commits.
import { onMounted, onWillUnmount } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { ListController } from "@web/views/list/list_controller";

export const LIVE_NOTIFICATION = "mailchimp_connector/changed";

function useMailchimpLive(resModel, reload) {
    if (!resModel || !resModel.startsWith("mailchimp.")) {
        return;
    }
    const busService = useService("bus_service");
    const onChanged = (payload) => {
        if (payload && payload.model === resModel) {
            reload(payload.ids || []);
        }
    };
    onMounted(() => {
        busService.subscribe(LIVE_NOTIFICATION, onChanged);
        if (!busService.isActive) {
            busService.start();
        }
    });
    onWillUnmount(() => busService.unsubscribe(LIVE_NOTIFICATION, onChanged));
}

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        useMailchimpLive(this.props.resModel, async (ids) => {
            const root = this.model.root;
            if (!root || root.isNew || !ids.includes(root.resId)) {
                return;
            }
            // never over what the user is typing: the next save or reload shows the change
            if (await root.isDirty()) {
                return;
            }
            await root.load();
        });
    },
});

function reloadMulti(controller) {
    return async () => {
        const root = controller.model.root;
        // a list being edited, or with records selected for an action, stays as it is
        if (!root || root.editedRecord || (root.selection && root.selection.length)) {
            return;
        }
        await controller.model.load();
    };
}

patch(ListController.prototype, {
    setup() {
        super.setup(...arguments);
        useMailchimpLive(this.props.resModel, reloadMulti(this));
    },
});

patch(KanbanController.prototype, {
    setup() {
        super.setup(...arguments);
        useMailchimpLive(this.props.resModel, reloadMulti(this));
    },
});
