"""hopu_crm_mailing's demo data (CRM-33 邮件群发): the rights of the demo
roles and a draft mailing of 王芳 to the contacts of her customers, ready
to send."""
from .sysadmin import ALL, WORK, grant_role_rights


def setup(config, activated, data):
    return {'mailings': load_mailings(config, data['employees'])}


# CRM-33 邮件群发: a draft mailing of 王芳 to the contacts of her customers
MAILING_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {'CRM-33': ALL, 'CRM-33-optout': ALL},
    'hopu_crm.group_crm_salesperson': {
        'CRM-33': WORK, 'CRM-33-optout': ['read']},
    }
MAILING_NAME = "2026年冬季新品推介"
MAILING_SUBJECT = "${客户}:皓普ERP-CRM 冬季新版发布"
MAILING_BODY = (
    "${联系人}您好:\n\n"
    "感谢${客户}一直以来对皓普的支持。皓普ERP-CRM 冬季新版已经发布,"
    "新增销售机会、业务报表和邮件群发等功能。\n"
    "如需演示,请直接回复本邮件或致电您的业务员。\n\n"
    "此致\n敬礼\n${业务员}\n${公司}")


def load_mailings(config, employees):
    """CRM-33: the rights of the demo roles on 「邮件群发」 and a draft
    mailing of 王芳 to the contacts of her customers, ready to send"""
    from proteus import Model
    grant_role_rights(config, MAILING_RIGHTS)
    Mailing = Model.get('hopu.crm.mailing', config=config)
    Contact = Model.get('hopu.crm.contact', config=config)
    mailings = Mailing.find([('name', '=', MAILING_NAME)])
    if mailings:
        return [m.name for m in mailings]
    employee = employees['wangfang']
    mailing = Mailing(
        name=MAILING_NAME, subject=MAILING_SUBJECT, body=MAILING_BODY,
        salesperson=employee)
    for contact in Contact.find([
                ('customer.salesperson', '=', employee.id),
                ('email', '!=', None),
                ], order=[('customer', 'ASC'), ('id', 'ASC')]):
        recipient = mailing.recipients.new()
        recipient.customer = contact.customer
        recipient.contact = contact
        recipient.email = contact.email
    mailing.save()
    return [mailing.name]
