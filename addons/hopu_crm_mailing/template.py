# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 the message of a mass email: the template, its placeholders
(${客户}, ${联系人} …) and the text part of an HTML body"""
import html
import re
import string
from html.parser import HTMLParser

EMAIL_RE = re.compile(r'^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$')

# The placeholders of a template, by their English and Chinese names
PLACEHOLDERS = {
    'customer': 'customer', '客户': 'customer',
    'contact': 'contact', '联系人': 'contact',
    'salesperson': 'salesperson', '业务员': 'salesperson',
    'company': 'company', '公司': 'company',
    'email': 'email', '邮箱': 'email',
    'unsubscribe_url': 'unsubscribe_url', '退订链接': 'unsubscribe_url',
    }


class MailTemplate(string.Template):
    "${customer} or ${客户}; $$ is a dollar sign"
    idpattern = r'(?:[_a-zA-Z][_a-zA-Z0-9]*|[\u4e00-\u9fff]+)'
    flags = 0


def check_template(text):
    """Return the names a template uses that are not placeholders, or None
    when its syntax is wrong"""
    template = MailTemplate(text or '')
    if not template.is_valid():
        return None
    return [n for n in template.get_identifiers() if n not in PLACEHOLDERS]


def render(text, values, escape=False):
    "Fill the placeholders of text; escape the values for HTML when asked"
    mapping = {}
    for name, key in PLACEHOLDERS.items():
        value = values.get(key) or ''
        mapping[name] = html.escape(value) if escape else value
    return MailTemplate(text or '').safe_substitute(mapping)


def is_html(text):
    return bool(re.search(r'<[a-zA-Z][^>]*>', text or ''))


class _TextExtractor(HTMLParser):
    "The text of an HTML body, for the text/plain part of a message"
    _blocks = {'p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in self._blocks:
            self.parts.append('\n')
        if tag == 'a':
            self.links.append(dict(attrs).get('href'))

    def handle_endtag(self, tag):
        if tag == 'a' and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f' <{href}>')
        elif tag in self._blocks - {'br'}:
            self.parts.append('\n')

    def handle_data(self, data):
        # Line breaks of the HTML source are no breaks of the text
        self.parts.append(re.sub(r'\s*\n\s*', ' ', data))

    def text(self):
        text = ''.join(self.parts)
        text = re.sub(r' *\n *', '\n', text)
        return re.sub(r'\n{3,}', '\n\n', text).strip() + '\n'


def html_to_text(content):
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return parser.text()
