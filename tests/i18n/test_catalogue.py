"""The Simplified Chinese catalogue is complete: every message the console can show is translated,
none is fuzzy, and each translation keeps its placeholders."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from console.i18n import catalogue_compile, catalogue_differences

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Where translatable strings live (what `makemessages --ignore=.venv --ignore=tests` reads).
SOURCE_FOLDERS = ("console", "refunds", "tickets", "templates")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|\{[a-z_]+\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_the_catalogue_has_no_untranslated_entry(catalogue):
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []


def test_the_catalogue_has_no_fuzzy_entry(catalogue):
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_no_entry_is_left_obsolete(catalogue):
    # An obsolete entry is a string the code no longer has: makemessages was run but not cleaned up.
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []


def test_every_translation_keeps_the_placeholders_of_its_message(catalogue):
    differs = []
    for entry in catalogue.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(entry.msgid))):
                differs.append(entry.msgid)
    assert differs == []


def test_every_chinese_amount_is_written_usd_first_as_the_console_writes_money(catalogue):
    # The balances, bills and dialogs show "USD 8.45" in both languages; "8.45 美元" beside them
    # read as a second currency format on the same card.
    assert [entry.msgid for entry in catalogue.translated_entries() if "美元" in entry.msgstr] == []


def test_a_guess_left_by_makemessages_is_not_kept_as_a_translation(catalogue):
    # makemessages marks a new message it matched to a similar old one with its previous msgid;
    # taking that guess as the translation gave the suspension notice the words of another one.
    assert [entry.msgid for entry in catalogue if entry.previous_msgid] == []


def test_the_committed_compiled_catalogue_is_its_source_compiled():
    """The .mo is committed so that nothing has to be built on the README's path (a fresh clone's
    `manage.py demo`, the API, production); it must say what the .po says."""
    assert catalogue_differences(CATALOGUE) == []


def test_a_compiled_catalogue_that_lags_its_source_is_reported(tmp_path):
    po = tmp_path / "django.po"
    shutil.copy(CATALOGUE, po)
    catalogue_compile(po)
    edited = polib.pofile(str(po))
    edited.find("Submit a Ticket").msgstr = "提交新工单"
    edited.save()

    assert catalogue_differences(po) == [
        "(None, 'Submit a Ticket', ''): the .po says ('提交新工单',), the .mo ('提交工单',)"
    ]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext's xgettext")
def test_the_catalogue_holds_every_string_the_code_marks(catalogue, settings, tmp_path, monkeypatch):
    """makemessages over a copy of the code, into a temporary folder (it writes where it runs): a
    string marked in the code or a template but missing from the committed catalogue would show in
    English."""
    for folder in SOURCE_FOLDERS:
        shutil.copytree(BASE_DIR / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))

    def keys(po):
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}

    assert keys(fresh) - keys(catalogue) == set()


def test_the_compiled_catalogue_answers_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Package/Plugin Management") == "资源包/插件管理"
        assert translation.gettext("Submit a Ticket") == "提交工单"
        assert translation.gettext("Commission credits") == "收益转入账户"
        assert translation.gettext("Free credits") == "赠送账户"
