"""Campaign reports (/reports…), for sent (or sending, canceled…) campaigns only."""


def get_reports(req):
    return req.state.report_page(req.query)


def get_report(req, campaign_id):
    return req.state.report(campaign_id)


def get_email_activity(req, campaign_id):
    return req.state.email_activity_page(campaign_id, req.query)


def get_member_email_activity(req, campaign_id, sub):
    return req.state.member_email_activity(campaign_id, sub)


def get_open_details(req, campaign_id):
    return req.state.open_details_page(campaign_id, req.query)


def get_click_details(req, campaign_id):
    return req.state.click_details_page(campaign_id, req.query)


def get_unsubscribed(req, campaign_id):
    return req.state.unsubscribed_page(campaign_id, req.query)


def get_sent_to(req, campaign_id):
    return req.state.sent_to_page(campaign_id, req.query)


ROUTES = [
    ("/reports", {"GET": get_reports}),
    ("/reports/{campaign_id}", {"GET": get_report}),
    ("/reports/{campaign_id}/email-activity", {"GET": get_email_activity}),
    ("/reports/{campaign_id}/email-activity/{sub}", {"GET": get_member_email_activity}),
    ("/reports/{campaign_id}/open-details", {"GET": get_open_details}),
    ("/reports/{campaign_id}/click-details", {"GET": get_click_details}),
    ("/reports/{campaign_id}/unsubscribed", {"GET": get_unsubscribed}),
    ("/reports/{campaign_id}/sent-to", {"GET": get_sent_to}),
]
