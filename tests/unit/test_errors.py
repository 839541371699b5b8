"""The error family (inspection/errors.py): one base class, a title and a message per kind, in both
languages, and `str(exc)` the Chinese message the command line prints. On the page:
tests/app/test_errors_app.py."""

import pickle

import pytest

from inspection import errors
from inspection.i18n import LABELS

KINDS = (errors.StoreError, errors.ImportInputError, errors.SettingsError, errors.UndoError,
         errors.ExportError)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_an_inspection_error_with_a_title_in_both_languages(kind):
    exc = kind("原因")
    assert isinstance(exc, errors.InspectionError)
    assert kind.title_key in LABELS
    zh, en = exc.title("zh"), exc.title("en")
    assert zh and en and zh != en
    assert exc.message("zh") == exc.message("en") == str(exc) == "原因"  # text as written


def test_titles_differ_by_kind():
    titles = {kind("x").title("zh") for kind in (errors.InspectionError, *KINDS)}
    assert len(titles) == len(KINDS) + 1


def test_a_keyed_message_follows_the_language_and_str_is_chinese():
    exc = errors.ImportNotFound(42)
    assert isinstance(exc, errors.UndoError) and exc.import_id == 42
    assert str(exc) == exc.message() == "没有编号为 42 的导入记录"
    assert exc.message("en") == "There is no import numbered 42"
    done = errors.ImportAlreadyUndone(7)
    assert str(done) == "导入 7 已经撤销过了" and "7" in done.message("en")
    assert done.title("en") == "The import cannot be undone"


def test_no_message_falls_back_to_the_title():
    exc = errors.ExportError()
    assert exc.message("zh") == exc.title("zh") and exc.message("en") == exc.title("en")


def test_cause_is_kept_and_errors_survive_pickling():
    try:
        try:
            raise OSError("disk full")
        except OSError as cause:
            raise errors.StoreError("写入失败") from cause
    except errors.InspectionError as exc:
        assert isinstance(exc.__cause__, OSError) and str(exc) == "写入失败"
    for exc in (errors.ImportAlreadyUndone(3), errors.StoreError(key="err_import_not_found", import_id=5),
                errors.SettingsError("计划无效")):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.message("en") == exc.message("en")


def test_plan_errors_are_settings_errors_in_both_languages():
    from inspection import plan

    with pytest.raises(errors.SettingsError) as caught:
        plan.remove(None, plan.DEFAULT)  # refused before the store is touched
    assert isinstance(caught.value, plan.PlanError)
    assert str(caught.value) == "默认计划不能删除，只能修改"
    assert caught.value.message("en") == "The default plan cannot be removed, only changed"
