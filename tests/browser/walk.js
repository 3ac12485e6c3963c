// What the walk of every screen (test_every_screen.py) runs inside sao:
// it opens the actions of the menus as a click on the menu does and drives
// the screens through sao's own objects, so each step waits for exactly
// what it started. Every call returns a plain object for Python.
window.__walk = (() => {
    // a step not settled after a minute hangs (loaded CI machines take
    // more than 15 s for a heavy form such as 客户发票 新建)
    const TIMEOUT = 60000;

    function rpc(method, params) {
        return new Promise((resolve, reject) => {
            Sao.rpc({method: method, params: params},
                Sao.Session.current_session).then(resolve, reject);
        });
    }

    // why sao rejected a step, in a line (an error, a server answer, …)
    function describe(reason) {
        try {
            return reason.map(r => r instanceof Error
                ? `${r.name}: ${r.message}` : JSON.stringify(r))
                .join(', ').slice(0, 300);
        } catch (e) {
            return String(reason).slice(0, 300);
        }
    }

    function settle(prm) {
        // a promise that sao never settles is what leaves 「正在处理」
        return Promise.race([
            new Promise(resolve => jQuery.when(prm).then(
                () => resolve('done'),
                (...reason) => resolve('rejected ' + describe(reason)))),
            new Promise(resolve => setTimeout(
                () => resolve('timeout'), TIMEOUT)),
        ]);
    }

    function current() {
        return Sao.Tab.tabs.get_current();
    }

    function visible(el) {
        return !!(el.offsetWidth || el.offsetHeight
            || el.getClientRects().length);
    }

    // a cell of a list's records (not its header, not a form's label)
    function data_row(el) {
        return Boolean(el.closest('.treeview tbody'));
    }

    // a list inside a form draws its rows only once its 「更多」 row is in
    // sight: sao's IntersectionObserver clicks it at the next frame, after
    // the requests of the step are over. Whether such a row waits for that
    // click: shown, and not clipped by the viewport (sao's margin: 50 px
    // below) nor by a scrolling parent.
    function more_pending() {
        for (const button of document.querySelectorAll(
                'tr.more-row button')) {
            if (!visible(button)) {
                continue;
            }
            const rect = button.getBoundingClientRect();
            if (rect.bottom < 0 || rect.top > window.innerHeight + 50) {
                continue;
            }
            let clipped = false;
            for (let el = button.parentElement; el && !clipped;
                    el = el.parentElement) {
                const overflow = getComputedStyle(el).overflowY;
                if (overflow == 'visible') {
                    continue;
                }
                const box = el.getBoundingClientRect();
                clipped = rect.top > box.bottom || rect.bottom < box.top;
            }
            if (!clipped) {
                return true;
            }
        }
        return false;
    }

    function screen_state() {
        const tab = current();
        if (!tab || !tab.screen) {
            return {tab: tab ? tab.class_ : null};
        }
        const screen = tab.screen;
        const view = screen.current_view;
        const access = Sao.common.MODELACCESS.get(screen.model_name);
        const record = screen.current_record;
        return {
            tab: tab.class_,
            model: screen.model_name,
            view_type: view ? view.view_type : null,
            editable: Boolean(view && view.view_type == 'tree'
                && view.editable),
            count: screen.group ? screen.group.length : 0,
            record_id: record ? record.id : null,
            // what the toolbar's 新建 offers
            can_create: Boolean(access.create && tab.buttons.new_
                && !tab.buttons.new_.prop('disabled')
                && visible(tab.buttons.new_[0])),
            views: screen.views.map(v => v.view_type).concat(
                screen.view_to_load || []),
        };
    }

    return {
        idle() {
            const processing = document.getElementById('processing');
            return jQuery.active === 0
                && !(processing && visible(processing))
                && !more_pending();
        },

        processing() {
            const processing = document.getElementById('processing');
            return Boolean(processing && visible(processing));
        },

        async menus() {
            const session = Sao.Session.current_session;
            const menus = await rpc('model.ir.ui.menu.search_read', [
                [], 0, null, null, ['complete_name', 'action'],
                session.context]);
            // Tryton's own administration root (ir.menu_administration)
            let technical = [];
            try {
                technical = await rpc('model.ir.ui.menu.search', [
                    [['parent', 'child_of', [await rpc(
                        'model.ir.model.data.get_id',
                        ['ir', 'menu_administration', session.context])]]],
                    0, null, null, session.context]);
            } catch (e) {
                technical = [];
            }
            return menus.filter(m => m.action).map(m => ({
                id: m.id, name: m.complete_name, action: m.action,
                technical: technical.includes(m.id)}));
        },

        async open_menu(id) {
            const actions = await rpc('model.ir.action.keyword.get_keyword',
                ['tree_open', ['ir.ui.menu', id], {}]);
            const action = actions[0];
            const views = (action.views || []).map(v => v[1]);
            const data = {model: 'ir.ui.menu', id: id};
            if (action.type == 'ir.action.act_window') {
                const result = await settle(
                    Sao.Action.exec_action(action, data, null));
                return {type: action.type, views: views, result: result,
                    state: screen_state()};
            }
            if (action.type == 'ir.action.wizard') {
                // resolved only when the wizard ends
                Sao.Action.exec_action(action, data, null);
                return {type: action.type, views: views, result: 'done',
                    state: null};
            }
            const result = await settle(
                Sao.Action.exec_action(action, data, null));
            return {type: action.type, views: views, result: result,
                state: screen_state()};
        },

        state: screen_state,

        async new_() {
            const result = await settle(current().new_());
            return {result: result, state: screen_state()};
        },

        async switch_view(type) {
            const screen = current().screen;
            const result = await settle(screen.switch_view(type));
            return {result: result, state: screen_state()};
        },

        async open_first() {
            const screen = current().screen;
            screen.current_record = screen.group[0];
            const result = await settle(screen.switch_view('form'));
            return {result: result, state: screen_state()};
        },

        // drop the new record
        async cancel() {
            await settle(current().screen.cancel_current());
        },

        // the pages of the notebooks of the form on screen
        pages() {
            const pane = jQuery('#tabcontent .tab-pane.active');
            return pane.find('.form-notebook > .nav-tabs > li > a')
                .filter((i, a) => visible(a.parentElement.parentElement))
                .toArray().map(a => a.textContent.trim());
        },

        show_page(index) {
            const pane = jQuery('#tabcontent .tab-pane.active');
            const links = pane.find('.form-notebook > .nav-tabs > li > a')
                .filter((i, a) => visible(a.parentElement.parentElement));
            jQuery(links[index]).tab('show');
            return links[index].textContent.trim();
        },

        // the one2many/many2many shown that did not draw their list
        undrawn_x2many() {
            const pane = jQuery('#tabcontent .tab-pane.active');
            const missing = [];
            pane.find('.form-one2many, .form-many2many').each((i, el) => {
                if (!visible(el)) {
                    return;
                }
                const drawn = jQuery(el).find(
                    '.treeview table, .form, .list-form').length;
                if (!drawn) {
                    const label = jQuery(el).find('.title').text().trim();
                    missing.push(label || el.className);
                }
            });
            return missing;
        },

        // the error, warning and message dialogs on screen, closed
        dialogs() {
            const found = [];
            jQuery('.error-dialog, .warning-dialog, .user-warning-dialog, '
                + '.message-dialog, .confirmation-dialog').each((i, el) => {
                if (visible(el)) {
                    found.push(el.className.split(' ').filter(
                        c => c.endsWith('-dialog'))[0] + ': '
                        + el.innerText.trim().replace(/\s+/g, ' '));
                }
            });
            return found;
        },

        wizard_open() {
            return jQuery('.wizard-dialog .modal-body .wizard, '
                + '#tabcontent .tab-pane.active .wizard').filter(
                (i, el) => visible(el) && el.children.length).length > 0;
        },

        close_all() {
            jQuery('.modal').each((i, el) => {
                jQuery(el).modal('hide');
                jQuery(el).remove();
            });
            jQuery('.modal-backdrop').remove();
            jQuery('body').removeClass('modal-open');
            for (const tab of Sao.Tab.tabs.slice()) {
                if (tab.screen) {
                    tab.screen.cancel_current();
                }
                jQuery('#tablist').find('#nav-' + tab.id).remove();
                jQuery('#tabs').find('#' + tab.id).remove();
                Sao.Tab.tabs.splice(Sao.Tab.tabs.indexOf(tab), 1);
            }
        },

        // the words on screen: visible text, the selected options of the
        // selections and the placeholders, each as [text, whether it is in
        // a row of records of a list]
        texts() {
            const texts = [];
            const walker = document.createTreeWalker(
                document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const text = node.textContent.trim();
                const parent = node.parentElement;
                if (!text || !parent || ['SCRIPT', 'STYLE', 'OPTION']
                        .includes(parent.tagName)) {
                    continue;
                }
                if (!visible(parent)
                        || getComputedStyle(parent).visibility == 'hidden') {
                    continue;
                }
                texts.push([text, data_row(parent)]);
            }
            for (const el of document.querySelectorAll(
                    'select, input[placeholder], textarea[placeholder]')) {
                if (!visible(el)) {
                    continue;
                }
                if (el.tagName == 'SELECT') {
                    if (el.selectedOptions.length) {
                        texts.push([el.selectedOptions[0].textContent.trim(),
                            data_row(el)]);
                    }
                } else if (el.placeholder) {
                    texts.push([el.placeholder, false]);
                }
            }
            return texts;
        },
    };
})();
