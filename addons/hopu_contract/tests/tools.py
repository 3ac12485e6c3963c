# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the contract scenarios"
from proteus import Model
from trytond.modules.hopu_sysadmin.tests.tools import grant_rights

GROUPS = {
    'admin': "CRM Administrator",
    'supervisor': "Sales Supervisor",
    'salesperson': "Salesperson",
    }
SALES_CODES = ['CON-1', 'CON-2', 'CON-3', 'CON-5', 'CON-6', 'CON-7']


def create_salesperson(
        login, name, company, supervisor=None, group='salesperson',
        config=None):
    """A user with an employee under the supervisor, in the CRM role group
    (CRM-2)"""
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    Group = Model.get('res.group', config=config)
    Company = Model.get('company.company', config=config)
    company = Company(company.id)
    if supervisor:
        supervisor = Employee(supervisor.id)
    party = Party(name=name)
    party.save()
    employee = Employee(party=party, company=company, supervisor=supervisor)
    employee.save()
    user = User(login=login, name=name)
    user.companies.append(company)
    user.company = company
    user.employees.append(employee)
    user.employee = employee
    group, = Group.find([('name', '=', GROUPS[group])])
    user.groups.append(group)
    user.save()
    # Salespeople and supervisors enter contracts and orders and see the
    # approval flow; approvers need CON-4 to decide
    grant_rights(user, SALES_CODES, config=config)
    grant_rights(
        user, 'CON-4', rights=['read', 'write', 'approve'], config=config)
    return user, employee


def create_approval_rule(
        name, steps, document='hopu.contract', contract_type=None,
        min_amount=None, max_amount=None, config=None):
    """steps: (name, approver_type, value) where value is the level, the
    group or the user"""
    Rule = Model.get('hopu.approval.rule', config=config)
    rule = Rule(name=name, document=document, contract_type=contract_type,
        min_amount=min_amount, max_amount=max_amount)
    for step_name, approver_type, value in steps:
        step = rule.steps.new(name=step_name, approver_type=approver_type)
        if approver_type == 'supervisor':
            step.level = value
        elif approver_type == 'group':
            step.group = value
        else:
            step.user = value
    rule.save()
    return rule
