"The helpers of the demo loaders: records looked up before they are made."


def get_or_create(Model, domain, **values):
    """The first record of Model matching domain, else a new one saved with
    values; and whether it was created"""
    records = Model.find(domain)
    if records:
        return records[0], False
    record = Model(**values)
    record.save()
    return record, True


def ref(config, xml_id):
    "The id of the record of xml_id ('module.fs_id')"
    from proteus import Model
    ModelData = Model.get('ir.model.data', config=config)
    return ModelData.get_id(*xml_id.split('.'), config.context)


def work_at_head_warehouse(config, logins):
    """The warehouse the users work at (their preference 仓库, Tryton's
    res.user warehouse): 总部仓库, the default of their documents and of
    库存查询 once the company has two warehouses"""
    from proteus import Model
    User = Model.get('res.user', config=config)
    warehouse = ref(config, 'stock.location_warehouse')
    users = User.find([
            ('login', 'in', list(logins)), ('warehouse', '=', None)])
    if users:
        User._proxy.write(
            [u.id for u in users], {'warehouse': warehouse}, config.context)
