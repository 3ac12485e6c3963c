"""hopu_crm_opportunity's demo data (CRM-30/31): opportunities of the demo
salespeople at several stages, with follow-ups, some won or lost, and the
rights of the demo roles on the opportunity programs and reports."""
import datetime as dt
from decimal import Decimal

from .sysadmin import ALL, WORK, grant_role_rights
from .tools import ref


def setup(config, activated, data):
    opportunities = load_opportunities(config, data['employees'])
    return {'opportunities': len(opportunities)}


# CRM-30: opportunities of the demo salespeople at several stages
# (description, customer, stage xml id, amount, days since start,
#  days to expected close, result: None (open), 'won' or 'lost',
#  close reason xml id, follow-ups [(days ago, content, next in days)])
OPPORTUNITIES = [
    ("华新 ERP-CRM 一期", '上海华新科技有限公司', 'stage_contact', '80000',
        20, 60, None, None,
        [(10, "首次电话沟通,客户关注移动端", 7)]),
    ("云帆进销存升级", '杭州云帆贸易有限公司', 'stage_quotation', '150000',
        40, 30, None, None,
        [(25, "需求调研完成", None), (5, "提交方案和报价", 10)]),
    ("恒达年度维护合同", '苏州恒达精密机械有限公司', 'stage_negotiation',
        '36000', 60, 15, None, None,
        [(3, "商务谈判,客户要求九折", 5)]),
    ("恒达生产模块扩容", '苏州恒达精密机械有限公司', 'stage_signing', '120000',
        90, 0, 'won', 'reason_contract', []),
    ("南粤物流调度系统", '广州南粤物流有限公司', 'stage_needs', '200000',
        30, 90, None, None,
        [(12, "确认调度和对账需求", 14)]),
    ("前海数据报表平台", '深圳前海数据有限公司', 'stage_quotation', '95000',
        50, 20, None, None, []),
    ("华盛电子 MES 对接", '东莞华盛电子有限公司', 'stage_needs', '60000',
        70, 0, 'lost', 'reason_competitor', []),
    ("华盛电子续费", '东莞华盛电子有限公司', 'stage_signing', '24000',
        35, 0, 'won', 'reason_order', []),
    ]
OPPORTUNITY_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {
        'CRM-30': ALL, 'CRM-30-stage': ['read'], 'CRM-30-reason': ['read'],
        'CRM-31': WORK, 'CRM-31-statistics': WORK,
        'CRM-31-activity': WORK,
        },
    'hopu_crm.group_crm_salesperson': {
        'CRM-30': WORK, 'CRM-30-stage': ['read'], 'CRM-30-reason': ['read'],
        'CRM-31': ['read', 'print', 'export'],
        'CRM-31-statistics': ['read', 'print', 'export'],
        'CRM-31-activity': ['read', 'print', 'export'],
        },
    }


def load_opportunities(config, employees):
    """CRM-30/31: opportunities of the demo salespeople in several stages,
    with follow-ups, some won or lost, and the rights of the demo roles"""
    from proteus import Model, Wizard
    grant_role_rights(config, OPPORTUNITY_RIGHTS)
    Party = Model.get('party.party', config=config)
    Opportunity = Model.get('sale.opportunity', config=config)
    Stage = Model.get('hopu.crm.opportunity.stage', config=config)
    Reason = Model.get('hopu.crm.opportunity.reason', config=config)
    FollowUp = Model.get('hopu.crm.opportunity.follow_up', config=config)
    today = dt.date.today()
    opportunities = []
    for (description, customer, stage, amount, start, close, result,
            reason, follow_ups) in OPPORTUNITIES:
        found = Opportunity.find([('description', '=', description)])
        if found:
            opportunities.append(found[0])
            continue
        parties = Party.find([('name', '=', customer)])
        if not parties or not parties[0].salesperson:
            continue
        party, = parties
        stage = Stage(ref(config, f'hopu_crm_opportunity.{stage}'))
        opportunity = Opportunity(
            description=description, party=party,
            employee=party.salesperson, stage=stage,
            conversion_probability=stage.probability,
            amount=Decimal(amount),
            start_date=today - dt.timedelta(days=start),
            expected_close_date=today + dt.timedelta(days=close))
        opportunity.save()
        opportunity.click('opportunity')
        for days, content, next_days in follow_ups:
            FollowUp(
                opportunity=opportunity, salesperson=party.salesperson,
                date=today - dt.timedelta(days=days), content=content,
                next_date=(today - dt.timedelta(days=days)
                    + dt.timedelta(days=next_days)) if next_days else None,
                ).save()
        if result:
            close = Wizard(
                'hopu.crm.opportunity.close', [opportunity], config=config)
            close.form.result = result
            close.form.reason = Reason(
                ref(config, f'hopu_crm_opportunity.{reason}'))
            close.execute('close')
        opportunities.append(opportunity)
    return opportunities
