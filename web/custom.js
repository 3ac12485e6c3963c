/* Hopu (皓普) ERP-CRM branding of the Tryton web client (sao loads this
 * file after itself). */
Sao.config.title = '皓普 ERP-CRM';

/* Hopu speaks Chinese from the login dialog on, whatever the browser's
 * language (ERP-8): the server's prompts ("Password for …") come in the
 * language sao asks for; after login the user's own language applies. */
(function() {
    'use strict';
    var setlang = Sao.i18n.setlang;
    Sao.i18n.setlang = function(lang) {
        return setlang.call(this, lang || 'zh_CN');
    };
    /* gettext.js keeps the locale as zh-CN; the server knows zh_CN only and
     * answers the login in English to zh-CN */
    Sao.i18n.getlang = function() {
        return Sao.i18n.getLocale().replace('-', '_');
    };

    /* sao's own strings its zh_CN.json leaves out */
    var zh_CN = {
        "A request to reset your password has been sent.\nPlease check your mailbox.":
            "重置密码的请求已发送。\n请查收邮件。",
        "Add a follower": "添加关注者",
        "Add to favorites": "加入收藏",
        "All Notifications...": "全部通知...",
        "Are you sure to unsubscribe \"%1\" from this channel?":
            "确定要让“%1”退订该频道吗？",
        "Chat": "讨论",
        "Chat on the record": "就该记录讨论",
        "Check menu entries to add favorites": "勾选菜单项即可加入收藏",
        "Concurrency Warning": "并发修改警告",
        "Copy Selected Rows": "复制所选行",
        "Details": "详情",
        "Email": "邮件",
        "Email %1": "发邮件给 %1",
        "Email...": "发邮件...",
        "Enter a message": "输入消息",
        "Error: \"%1\". Try again later.": "错误：“%1”。请稍后再试。",
        "Failed to copy text to clipboard: %1": "复制到剪贴板失败：%1",
        "Help...": "帮助...",
        "Make this an internal message": "设为内部消息",
        "Module:": "模块：",
        "No notifications at this time": "目前没有通知",
        "Preferences...": "个人设置...",
        "Remove from favorites": "移出收藏",
        "Reset Column Widths": "重置列宽",
        "Reset forgotten password": "忘记密码？重置",
        "Restore": "恢复",
        "Select a color for \"%1\"": "为“%1”选择颜色",
        "Send an email using the record": "用该记录发送邮件",
        "Send you an email to reset your password.":
            "系统将给您发送一封重置密码的邮件。",
        "Show followers": "查看关注者",
        "Submit the message": "发送消息",
        "Subscribe": "订阅",
        "Subscribe a follower to this channel": "为该频道添加关注者",
        "Unsubscribe": "退订",
        "XML ID:": "XML ID：",
    };
    var loadJSON = Sao.i18n.loadJSON;
    Sao.i18n.loadJSON = function(data, domain) {
        if (Sao.i18n.getlang() == 'zh_CN') {
            for (var key in zh_CN) {
                if (!data[key]) {
                    data[key] = zh_CN[key];
                }
            }
        }
        return loadJSON.call(this, data, domain);
    };
}());
