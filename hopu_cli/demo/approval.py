"""hopu_approval's demo data (CON-4): the approval rules of the documents
whose module is activated, each approved by the supervisor chain."""
from decimal import Decimal

# (module of the document, name, document, from amount, below amount,
#  levels of the supervisor chain)
RULES = [
    ('hopu_contract', "小额合同", 'hopu.contract', None, '100000', 1),
    ('hopu_contract', "大额合同", 'hopu.contract', '100000', None, 2),
    ('hopu_contract', "合同变更单", 'hopu.contract.change', None, None, 1),
    ('hopu_contract', "合同终止单", 'hopu.contract.termination', None, None,
        1),
    ]


def setup(config, activated, data):
    from proteus import Model
    Rule = Model.get('hopu.approval.rule', config=config)
    names = []
    for module, name, document, min_amount, max_amount, level in RULES:
        if module not in activated:
            continue
        names.append(name)
        if Rule.find([('name', '=', name)]):
            continue
        rule = Rule(name=name, document=document,
            min_amount=Decimal(min_amount) if min_amount else None,
            max_amount=Decimal(max_amount) if max_amount else None)
        rule.steps.new(name="上级主管审批", approver_type='supervisor',
            level=level)
        rule.save()
    return {'approval_rules': names}
