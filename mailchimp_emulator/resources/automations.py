"""Classic automations (/automations…): workflows, their emails and the API queue."""


def get_automations(req):
    return req.state.automation_page(req.query)


def get_automation(req, workflow_id):
    return req.state.get_automation(workflow_id)


def get_automation_emails(req, workflow_id):
    return req.state.automation_emails(workflow_id)


def get_queue(req, workflow_id, email_id):
    return req.state.automation_queue(workflow_id, email_id)


def post_queue(req, workflow_id, email_id):
    body = req.json()
    return req.state.queue_automation_email(workflow_id, email_id, body.get("email_address"))


ROUTES = [
    ("/automations", {"GET": get_automations}),
    ("/automations/{workflow_id}", {"GET": get_automation}),
    ("/automations/{workflow_id}/emails", {"GET": get_automation_emails}),
    (
        "/automations/{workflow_id}/emails/{email_id}/queue",
        {"GET": get_queue, "POST": post_queue},
    ),
]
