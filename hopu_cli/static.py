"""The web client's files, served for speed (issue 12 item 4).

sao's index.html loads 19 files, 4.9 MB, most of them the unminified
builds of its libraries (jQuery, d3, billboard.js, FullCalendar, moment's
locales …); trytond serves them as they are, uncompressed. Each browser
profile's first visit parses all of it before the login dialog shows.
This WSGI middleware, named in trytond.conf's ``[wsgi middleware]`` (so
``hopu serve``, ``trytond`` and the WSGI application get it alike), answers
the GET and HEAD requests for a file of the web client's folder
(``[web] root``):

- a library's ``name.js`` with its minified build of the same version when
  the package ships one next to it (``name.min.js``, or ``min/name.min.js``
  as moment does): 3.5 MB of libraries become 1.6 MB;
- gzip-compressed when the browser accepts it, compressed once per file
  version and kept in memory;
- with an ETag (304 when unchanged) and ``Cache-Control: public,
  max-age=[web] cache_timeout``; index.html and custom.js/custom.css with
  ``no-cache`` (revalidated at each visit, so a new version shows at once).

Every other request (the RPC, the database routes) goes to trytond."""
import gzip
import mimetypes
import os
import threading

from werkzeug.security import safe_join

COMPRESSED = {'.js', '.css', '.html', '.json', '.svg', '.txt', '.map'}
REVALIDATED = {'index.html', 'custom.js', 'custom.css'}


def minified(path):
    "The minified build shipped next to a library's file, or the file"
    if '/node_modules/' not in path or not path.endswith('.js') \
            or path.endswith('.min.js'):
        return path
    base = path[:-len('.js')]
    for candidate in [
            base + '.min.js',
            os.path.join(os.path.dirname(base), 'min',
                os.path.basename(base) + '.min.js')]:
        if os.path.isfile(candidate):
            return candidate
    return path


class WebClientFiles:
    "WSGI middleware: the web client's files (see the module)"

    def __init__(self, app, root=None, cache_timeout=None):
        from trytond import config
        self.app = app
        self.root = root or config.get('web', 'root')
        self.cache_timeout = (cache_timeout if cache_timeout is not None
            else config.getint('web', 'cache_timeout'))
        self._files = {}
        self._lock = threading.Lock()

    def _find(self, path_info):
        if not self.root or not os.path.isdir(self.root):
            return None
        path = safe_join(self.root, path_info.lstrip('/')) \
            if path_info.strip('/') else self.root
        if path is None:
            return None
        if os.path.isdir(path):
            path = os.path.join(path, 'index.html')
        if not os.path.isfile(path):
            return None
        return path

    def _load(self, path):
        "(name, body, gzipped body, etag) of the file, kept per version"
        served = minified(path)
        stat = os.stat(served)
        key = (served, stat.st_mtime_ns, stat.st_size)
        entry = self._files.get(path)
        if entry is None or entry[0] != key:
            with open(served, 'rb') as file:
                body = file.read()
            extension = os.path.splitext(path)[1]
            zipped = (gzip.compress(body, 6) if extension in COMPRESSED
                and len(body) > 1024 else None)
            etag = '"hopu-%x-%x"' % (stat.st_mtime_ns, stat.st_size)
            entry = (key, body, zipped, etag)
            with self._lock:
                self._files[path] = entry
        return entry[1:]

    def __call__(self, environ, start_response):
        if environ.get('REQUEST_METHOD') not in {'GET', 'HEAD'}:
            return self.app(environ, start_response)
        path = self._find(environ.get('PATH_INFO') or '/')
        if path is None:
            return self.app(environ, start_response)
        body, zipped, etag = self._load(path)
        name = os.path.basename(path)
        mimetype = mimetypes.guess_type(name)[0] or 'application/octet-stream'
        if mimetype.startswith('text/') or mimetype in {
                'application/javascript', 'application/json'}:
            mimetype += '; charset=utf-8'
        headers = [
            ('Content-Type', mimetype),
            ('ETag', etag),
            ('Vary', 'Accept-Encoding'),
            ('Cache-Control', 'no-cache' if name in REVALIDATED
                else f'public, max-age={self.cache_timeout}'),
            ]
        if etag in environ.get('HTTP_IF_NONE_MATCH', ''):
            start_response('304 Not Modified', headers)
            return [b'']
        if zipped is not None and 'gzip' in environ.get(
                'HTTP_ACCEPT_ENCODING', ''):
            body = zipped
            headers.append(('Content-Encoding', 'gzip'))
        headers.append(('Content-Length', str(len(body))))
        start_response('200 OK', headers)
        return [b''] if environ['REQUEST_METHOD'] == 'HEAD' else [body]
