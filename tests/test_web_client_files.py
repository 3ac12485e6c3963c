"""The web client's files as hopu serves them (issue 12 item 4,
hopu_cli/static.py): the libraries' minified builds, gzip, ETag and
caching headers; every other request goes to trytond.

The web client's files are served the same on both backends: this suite
runs with the SQLite run only."""
import gzip
import tempfile
import unittest
from pathlib import Path

from werkzeug.test import Client
from werkzeug.wrappers import Response

from hopu_cli.static import WebClientFiles

from .support import sqlite_only

load_tests = sqlite_only

LIBRARY = "function library() {\n    return 'the readable build';\n}\n" * 40
MINIFIED = "function library(){return'the minified build'}"


def trytond(environ, start_response):
    "What trytond answers (the RPC, the database routes)"
    return Response('trytond', status=418)(environ, start_response)


class WebClientFilesTestCase(unittest.TestCase):

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        root = Path(folder.name)
        (root / 'index.html').write_text(
            '<html>' + '<script src="dist/sao.js"></script>' * 50 + '</html>')
        (root / 'custom.js').write_text('// Hopu')
        library = root / 'node_modules' / 'lib' / 'dist'
        library.mkdir(parents=True)
        (library / 'lib.js').write_text(LIBRARY)
        (library / 'lib.min.js').write_text(MINIFIED)
        moment = root / 'node_modules' / 'moment'
        (moment / 'min').mkdir(parents=True)
        (moment / 'moment.js').write_text(LIBRARY)
        (moment / 'min' / 'moment.min.js').write_text(MINIFIED)
        (root / 'node_modules' / 'alone.js').write_text(LIBRARY)
        self.client = Client(WebClientFiles(trytond, str(root), 3600))

    def test_minified_builds(self):
        "SYS-3 (issue 12 item 4): a library served as its minified build"
        for path in ['/node_modules/lib/dist/lib.js',
                '/node_modules/moment/moment.js']:
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.get_data(as_text=True), MINIFIED)
            self.assertIn('javascript', response.headers['Content-Type'])
        response = self.client.get('/node_modules/alone.js')
        self.assertEqual(response.get_data(as_text=True), LIBRARY)

    def test_gzip_etag_cache(self):
        "SYS-3 (issue 12 item 4): gzip, ETag revalidation, caching"
        response = self.client.get(
            '/node_modules/alone.js', headers={'Accept-Encoding': 'gzip'})
        self.assertEqual(response.headers['Content-Encoding'], 'gzip')
        self.assertEqual(
            gzip.decompress(response.get_data()).decode(), LIBRARY)
        self.assertEqual(
            response.headers['Cache-Control'], 'public, max-age=3600')
        etag = response.headers['ETag']
        again = self.client.get(
            '/node_modules/alone.js', headers={'If-None-Match': etag})
        self.assertEqual(again.status_code, 304)
        plain = self.client.get('/node_modules/alone.js')
        self.assertNotIn('Content-Encoding', plain.headers)
        self.assertEqual(plain.get_data(as_text=True), LIBRARY)
        for path in ['/', '/index.html', '/custom.js']:
            self.assertEqual(
                self.client.get(path).headers['Cache-Control'], 'no-cache')
        self.assertIn('<html>', self.client.get('/').get_data(as_text=True))

    def test_other_requests_to_trytond(self):
        "SYS-3 (issue 12 item 4): what is not a web client file passes"
        for response in [
                self.client.post('/index.html'),
                self.client.get('/hopu_demo/rpc/'),
                self.client.get('/../etc/passwd'),
                self.client.get('/node_modules/missing.js')]:
            self.assertEqual(response.status_code, 418)
