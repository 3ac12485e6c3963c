# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reports printed as PDF (or another format) by LibreOffice headless."""
import logging
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile

from trytond import config
from trytond.report import Report

logger = logging.getLogger(__name__)


class SofficeReport(Report):
    """A report whose template LibreOffice converts to the action's
    extension (PDF, xlsx, …), each conversion in a profile of its own (see
    soffice_convert), unless [report] convert_command is configured."""

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        if config.get('report', 'convert_command'):
            return super().convert(
                report, data, timeout=timeout, retry=retry)
        output_format = report.extension or report.template_extension
        if output_format == report.template_extension:
            return output_format, data
        content = soffice_convert(
            data, report.template_extension, output_format, timeout=timeout)
        if content is None:
            return report.template_extension, data
        return output_format, content


def soffice_convert(content, input_extension, output_extension,
        timeout=5 * 60):
    """Convert content with LibreOffice, or return None when it fails.

    Unlike trytond's default command, each conversion gets a profile
    (UserInstallation) and a HOME of its own in its temporary folder:
    soffice hands a conversion over to any instance already running on the
    same profile (another server worker, a test run) and that one may not do
    it. It runs in a session of its own, ended with it, so that no
    soffice.bin outlives a conversion."""
    directory = tempfile.mkdtemp(prefix=f'hopu-report-{os.getpid()}-')
    try:
        input_path = pathlib.Path(directory, f'report.{input_extension}')
        output_path = input_path.with_suffix(f'.{output_extension}')
        input_path.write_bytes(
            content.encode('utf-8') if isinstance(content, str) else content)
        args = [
            'soffice',
            '-env:UserInstallation='
            + pathlib.Path(directory, 'profile').as_uri(),
            '--headless', '--nolockcheck', '--nodefault', '--norestore',
            '--convert-to', output_extension, '--outdir', directory,
            str(input_path)]
        for attempt in range(2):
            try:
                process = subprocess.Popen(
                    args, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env={**os.environ, 'HOME': directory},
                    start_new_session=True)
            except OSError:
                logger.error("soffice can not be run", exc_info=True)
                return None
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.error("soffice did not convert within %s s", timeout)
            finally:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
            if output_path.exists():
                return output_path.read_bytes()
        logger.error(
            "fail to convert %s to %s", input_extension, output_extension)
        return None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
