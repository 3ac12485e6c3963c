/* Hopu (皓普) ERP-CRM branding of the Tryton web client (sao loads this
 * file after itself). */
Sao.config.title = '皓普 ERP-CRM';

/* A selection shows the value it had while its options are rebuilt.
 * sao 8.0 empties and refills the <select> at each display and puts the
 * record's value back only in a later callback: a button clicked in
 * between (e.g. 「保存并退出」 right after typing in a text) read the
 * empty option, stored it in the record and answered that the selection
 * is required. */
(function() {
    var set_selection = Sao.View.Form.Selection.prototype.set_selection;
    Sao.View.Form.Selection.prototype.set_selection = function(
            selection, help) {
        var value = this.select.val();
        set_selection.call(this, selection, help);
        if (value !== null &&
                this.select.find('option').filter(
                    (i, option) => option.value === value).length) {
            this.select.val(value);
        }
    };
}());

/* A phone number is typed in a telephone entry: sao 8.0 makes the callto
 * and sip widgets URL entries, which the browser refuses to submit with a
 * number in them, so 「添加」 of a dialog (a contact with a mobile) did
 * nothing. */
Sao.View.Form.CallTo.prototype._type = 'tel';
Sao.View.Form.SIP.prototype._type = 'tel';

/* A selection whose value is outside the options the screen's domain
 * leaves (e.g. 客户阶段 「现有客户」 of a lead just converted, still shown
 * in the tab of the leads) shows another option or none: sao 8.0 then
 * wrote that into the record and asked to save a change nobody made. A
 * read-only selection writes nothing; an editable one without a choice
 * keeps its value. */
(function() {
    var Selection = Sao.View.Form.Selection;
    var get_value = Selection.prototype.get_value;
    var set_value = Selection.prototype.set_value;
    Selection.prototype.get_value = function() {
        if ((this.select.val() === null) && this.record && this.field) {
            return this.field.get(this.record);
        }
        return get_value.call(this);
    };
    Selection.prototype.set_value = function() {
        if (this._readonly) {
            return;
        }
        return set_value.call(this);
    };
    var modified = Object.getOwnPropertyDescriptor(
        Selection.prototype, 'modified');
    Object.defineProperty(Selection.prototype, 'modified', {
        get: function() {
            return !this._readonly && modified.get.call(this);
        },
        configurable: true,
    });
}());
