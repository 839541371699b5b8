"""Every label the user sees, in Chinese (default) and English. `t(key, lang, **values)`."""

from __future__ import annotations

import re

from inspection.filters import scope

LANGS = ("zh", "en")  # the languages, the default first

LABELS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("村（社区）巡察数据看板", "Village inspection dashboard"),
    "page_overview": ("总览", "Overview"),
    "page_coverage": ("覆盖进度", "Coverage"),
    "page_categories": ("问题分类", "Issue categories"),
    "page_compare": ("市县对比", "Municipal vs county"),
    "page_imports": ("数据导入", "Import"),
    "page_briefing": ("简报", "Briefing"),
    "page_followup": ("计划与整改", "Plan & follow-up"),
    "language": ("语言 / Language", "语言 / Language"),
    # filter panel
    "filters": ("筛选条件", "Filters"),
    "f_districts": ("县区", "District"),
    "f_townships": ("乡镇（街道）", "Township"),
    "f_rounds": ("巡察轮次", "Round"),
    "f_years": ("年度范围", "Years"),
    "f_levels": ("巡察层级", "Level"),
    "f_modes": ("巡察方式", "Mode"),
    "f_unit_types": ("对象类型", "Unit type"),
    "f_poverty_only": ("仅脱贫村", "Poverty villages only"),
    "f_as_of": ("数据截至", "As of"),
    "f_as_of_help": ("默认为数据覆盖的最新日期 {day}（最新的巡察、整改完成日期或台账标题中的统计截至日期）。",
                     "Defaults to {day}, the latest day the data covers (the newest inspection or rectification "
                     "date, or a \"statistics as of\" date in a ledger's title)."),
    "f_categories": ("问题类别（图表联动）", "Issue category (cross-filter)"),
    "all": ("全部", "All"),
    "reset": ("重置筛选", "Reset filters"),
    "filters_none": ("全部数据", "all data"),
    "cross_hint": ("提示：点击图中的县区柱或问题类别可联动筛选。", "Tip: click a district bar or a category to filter."),
    "treemap_other": ("其他（{n}类）", "Other ({n} kinds)"),
    "cat_handle_hint": ("点击筛选该县区", "Click to filter by this district"),
    "cat_click_hint": ("点击色块按问题类别筛选，点击柱下的县区名称按县区筛选。",
                       "Click a coloured segment to filter by its category, or a district's name under its bar to "
                       "filter by the district."),
    # captions and common
    "caption": ("数据截至 {as_of}；筛选：{filters}", "Data as of {as_of}; filters: {filters}"),
    "units_label": ("对象数（个）", "Units"),
    "share_label": ("覆盖率（%）", "Coverage (%)"),
    "issues_label": ("问题数（个）", "Issues"),
    "per_inspection_label": ("每次巡察问题数（个/次）", "Issues per inspection"),
    "month": ("月份", "Month"),
    "round": ("轮次", "Round"),
    "district": ("县区", "District"),
    "township": ("乡镇（街道）", "Township"),
    "unit_name": ("对象名称", "Unit"),
    "unit_type": ("对象类型", "Unit type"),
    "unit_code": ("对象编码", "Code"),
    "category": ("问题类别", "Category"),
    "subcategory": ("二级类别", "Subcategory"),
    "level": ("层级", "Level"),
    "mode": ("巡察方式", "Mode"),
    "team": ("巡察组", "Team"),
    "team_district": ("所属县区", "District of the team"),
    "team_spans_districts": ("跨县区（市级）", "Across districts (municipal)"),
    "actual": ("实际覆盖", "Actual"),
    "plan": ("计划进度", "Plan"),
    "store_error": ("无法打开数据库：{message}", "Cannot open the store: {message}"),
    "query_error": ("图表数据读取失败：{message}", "Could not load the chart data: {message}"),
    # the error family's titles and fixed messages (inspection/errors.py)
    "err_title": ("操作未完成", "The operation did not complete"),
    "err_store": ("数据库出错", "Store error"),
    "err_import_input": ("导入文件无法使用", "The import files cannot be used"),
    "err_settings": ("设置未能更改", "The setting was not changed"),
    "err_undo": ("无法撤销导入", "The import cannot be undone"),
    "err_export": ("导出失败", "The export failed"),
    "err_auth": ("用户设置有误", "Users file problem"),
    "err_import_not_found": ("没有编号为 {import_id} 的导入记录", "There is no import numbered {import_id}"),
    "err_import_undone": ("导入 {import_id} 已经撤销过了", "Import {import_id} has already been undone"),
    "err_plan_save": ("计划无法保存：{reason}", "The plan cannot be saved: {reason}"),
    "err_plan_remove": ("计划无法删除：{reason}", "The plan cannot be removed: {reason}"),
    "err_plan_default": ("默认计划不能删除，只能修改", "The default plan cannot be removed, only changed"),
    "err_store_failed": ("数据库操作失败：{reason}", "The store operation failed: {reason}"),
    "err_import_write": ("导入未完成，数据库没有改动：{reason}", "The import did not complete; the store is unchanged: {reason}"),
    "err_import_originals": ("导入未完成，数据库没有改动：原始文件无法保存（{reason}）",
                             "The import did not complete; the store is unchanged: the original files cannot be kept "
                             "({reason})"),
    "err_undo_write": ("撤销导入 {import_id} 未完成，数据库没有改动：{reason}",
                       "Undoing import {import_id} did not complete; the store is unchanged: {reason}"),
    # empty states
    "empty_store": ("数据库中还没有巡察数据。请到「数据导入」页面上传对象名册、巡察情况和问题清单。",
                    "The store holds no inspection data yet. Upload the roster, inspections and issue list on "
                    "the Import page."),
    "empty_filter": ("当前筛选条件下没有数据。请放宽筛选条件，或点击侧栏的「重置筛选」。",
                     "Nothing matches the current filters. Widen them or press Reset filters in the sidebar."),
    "no_roster": ("尚未导入对象名册（应巡对象），无法计算覆盖率；下面仍显示巡察次数和问题数。",
                  "No roster loaded, so coverage cannot be computed; counts are still shown."),
    "no_issue_list": ("当前筛选条件下没有问题清单数据（仅有巡察情况汇总数）。",
                      "No issue list for the current filters (only inspection totals)."),
    "rect_over_reported": ("超过 100%：巡察情况表填报的已整改数多于发现问题数，请核对台账",
                           "Over 100%: the inspections report more rectified than issues found; check the ledger"),
    # what is empty and why (issue 25 item 11)
    "no_inspections_imported": ("还没有导入巡察情况表，因此没有巡察、问题和整改数据（覆盖率为 0）。"
                                "请到「数据导入」页面上传巡察情况和问题清单。",
                                "No inspections have been imported yet, so there are no inspection, issue or "
                                "rectification figures (coverage is 0). Upload the inspections and issue list on the "
                                "Import page."),
    "no_inspections": ("当前筛选条件下没有巡察记录（所选地区在所选轮次、年度、层级或方式下没有巡察，或在数据截至日期之前没有），"
                       "因此也没有问题和整改数据。请放宽筛选条件，或点击侧栏的「重置筛选」。",
                       "No inspection matches the current filters (none in these places for the chosen rounds, "
                       "years, levels or modes, or none before the as-of date), so there are no issues or "
                       "rectification figures either. Widen the filters or press Reset filters in the sidebar."),
    "no_list_for_inspections": ("这些巡察（{n} 次）没有导入问题清单，只有巡察情况表的汇总数（发现问题 {found} 个）："
                                "问题分类、整改和逾期按问题清单逐条统计，所以这里是空的。导入问题清单后即可显示。",
                                "These {n} inspections have no issue list imported, only the totals of the "
                                "inspections sheet ({found} issues found): categories, rectification and overdue "
                                "figures count the rows of issue lists, so they are empty here until one is imported."),
    # overview
    "kpi_coverage": ("覆盖率", "Coverage"),
    "kpi_covered_of": ("已覆盖 {covered} / 应巡 {total} 个", "{covered} of {total} units"),
    "kpi_covered_no_roster": ("已巡 {covered} 个对象（无名册）", "{covered} units inspected (no roster)"),
    "kpi_inspections": ("巡察次数", "Inspections"),
    "kpi_issues": ("发现问题", "Issues found"),
    "kpi_clues": ("移交问题线索", "Clues transferred"),
    "kpi_disciplined": ("党纪政务处分（人）", "Disciplined (people)"),
    "kpi_immediate": ("立行立改", "Immediate fixes"),
    "kpi_rectification": ("整改完成率", "Rectification rate"),
    "kpi_vs_period": ("{period}同比", "{period} vs last year"),
    "period_year": ("{year}年全年", "{year}"),
    "period_ytd": ("{year}年至今", "{year} to date"),
    "kpi_no_period_data": ("所选筛选条件下 {year} 年至今和 {before} 年同期都没有巡察，不显示增减。",
                           "No inspection under these filters in {year} to date or the same period of {before}: "
                           "no change is shown."),
    "kpi_gain_period": ("{year}年新增", "gained in {year}"),
    "kpi_period_note": ("增减：{start} 至 {end}，较上年同期（{prev_start} 至 {prev_end}）。",
                        "Changes: {start} to {end} against the same period last year ({prev_start} to {prev_end})."),
    "kpi_not_reported": ("{n} 次巡察未填报", "{n} inspections not reported"),
    "chart_cum_coverage": ("累计覆盖率与计划进度", "Cumulative coverage against the plan"),
    "chart_coverage_by_district": ("各县区覆盖率", "Coverage by district"),
    "table_districts": ("各县区情况（按覆盖率排序）", "Districts, sorted by coverage"),
    "inspections": ("巡察次数", "Inspections"),
    "units_total": ("应巡对象", "Roster units"),
    "units_covered": ("已覆盖", "Covered"),
    "coverage_rate": ("覆盖率", "Coverage"),
    "issues_found": ("发现问题", "Issues"),
    "clues": ("问题线索", "Clues"),
    "disciplined": ("处分人数", "Disciplined"),
    "immediate_fixes": ("立行立改", "Immediate fixes"),
    # coverage
    "chart_district_month": ("各县区累计覆盖率（虚线为计划）", "Cumulative coverage by district (dashed: plan)"),
    "chart_heatmap": ("各县区分轮次巡察对象数", "Units inspected by district and round"),
    "chart_by_type": ("分对象类型覆盖率", "Coverage by unit type"),
    "chart_poverty": ("脱贫村与其他对象覆盖率", "Coverage: poverty villages and others"),
    "poverty_yes": ("脱贫村", "Poverty villages"),
    "poverty_no": ("其他对象", "Other units"),
    "last_mile": ("尚未巡察的对象（最后一公里）", "Units not yet inspected (the last mile)"),
    "last_mile_count": ("共 {n} 个对象尚未巡察。", "{n} units not yet inspected."),
    "last_mile_first": ("下表列出前 {n} 个；完整清单请下载。", "The first {n} are listed; download the whole list."),
    "last_mile_none": ("筛选范围内的对象已全部巡察。", "Every unit in the filtered roster has been inspected."),
    "download_csv": ("下载清单（CSV）", "Download list (CSV)"),
    "chart_plan_vs_actual": ("各县区覆盖率与计划进度（灰线为截至数据日期应达到的进度）",
                             "Coverage by district against the plan (grey mark: planned by the as-of date)"),
    # the colour says whether the district finishes by the plan's end at its pace (plan_by_district's
    # `behind`), not whether its bar stands under today's grey mark: a district far ahead of the mark
    # whose last units go slowly is red, and "behind the plan" there contradicted the chart's own mark
    "plan_behind": ("按当前进度无法按期完成", "Not finishing in time at this pace"),
    "plan_on_track": ("可按期完成", "Finishing in time"),
    "plan_mark": ("计划进度", "Planned"),
    "plan_lacking": ("每月缺<br>{n} 个", "short<br>{n}/mo"),  # under a bar: three short lines fit its width
    "plan_lacking_over": ("计划已到期", "plan period over"),
    "chart_plan_vs_actual_brief": ("各县区覆盖率与计划进度", "Coverage by district against the plan"),
    "cov_plan_behind": ("按当前进度，{n} 个县区无法按期完成全覆盖：{names}。",
                        "At the current pace {n} districts will not finish on time: {names}."),
    "cov_plan_lacking": ("{district}（每月还差 {n} 个对象）", "{district} ({n} units a month short)"),
    "cov_plan_ok": ("按当前进度，各县区均可按期完成全覆盖。", "At the current pace every district finishes on time."),
    # coverage under a round, year, level or mode filter (Filters.narrows_inspections): what it means
    "subset_note": ("覆盖率只计所选巡察（{which}）：被这些巡察覆盖的对象占应巡对象的比例；只被其他轮次、"
                    "层级或方式巡察过的对象在这里计为未覆盖。计划进度、缺口、每月进度和完成时间推算针对全部巡察，"
                    "取消轮次、年度、层级和方式筛选后显示。",
                    "Coverage counts the selected inspections only ({which}): the share of the roster these "
                    "inspections covered; a unit inspected only by other rounds, levels or modes counts as not "
                    "covered here. The plan, its gap, pace and projections are about every inspection and are "
                    "shown without round, year, level and mode filters."),
    "plan_needs_all": ("计划进度、缺口、每月进度和完成时间推算针对全部巡察，取消轮次、年度、层级和方式筛选后显示。",
                       "The plan, its gap, pace and projections are about every inspection: they are shown "
                       "without round, year, level and mode filters."),
    # the two issue totals (issue 25 item 4)
    "issues_two_totals": ("问题清单 {listed} 条，汇总数 {found} 个（{diff}）：「发现问题」是巡察情况表填报的发现问题数之和，"
                          "问题分类的图表按问题清单逐条统计。",
                          "Issue lists {listed} rows, reported total {found} ({diff}): \"Issues found\" sums the "
                          "counts the inspections reported; the category charts count the rows of the issue lists."),
    "issues_diff_more": ("汇总数多 {n} 个", "the reported total is {n} more"),
    "issues_diff_less": ("汇总数少 {n} 个", "the reported total is {n} fewer"),
    "issues_diff_none": ("两者相同", "the same"),
    "kpi_coverage_subset": ("覆盖率（所选巡察）", "Coverage (selected inspections)"),
    "chart_cum_coverage_subset": ("累计覆盖率（仅计所选巡察）", "Cumulative coverage (selected inspections only)"),
    "chart_coverage_by_district_subset": ("各县区覆盖率（仅计所选巡察）",
                                          "Coverage by district (selected inspections only)"),
    "chart_district_month_subset": ("各县区累计覆盖率（仅计所选巡察）",
                                    "Cumulative coverage by district (selected inspections only)"),
    "last_mile_subset": ("未被所选巡察覆盖的对象", "Units the selected inspections did not cover"),
    "last_mile_count_subset": ("共 {n} 个对象未被所选巡察覆盖（其中可能有已被其他轮次、层级或方式巡察过的对象）。",
                               "{n} units not covered by the selected inspections (some may have been inspected "
                               "by other rounds, levels or modes)."),
    "last_mile_none_subset": ("筛选范围内的对象都已被所选巡察覆盖。",
                              "The selected inspections covered every unit in the filtered roster."),
    "cov_plan_link": ("计划明细、推算和计划设置见「计划与整改」页", "Plan details, projections and settings: Plan & "
                      "follow-up page"),
    # categories
    "chart_treemap": ("问题类别构成（一级 > 二级）", "Issues by category and subcategory"),
    "chart_top_by_district": ("各县区问题类别分布", "Categories by district"),
    "metric_counts": ("问题数", "Counts"),
    "metric_per_inspection": ("每次巡察问题数", "Per inspection"),
    "chart_trend": ("分轮次问题类别趋势", "Issues by round and category"),
    "chart_rectification": ("分类别整改情况", "Rectification by category"),
    "rectified": ("已整改", "Rectified"),
    "open_in_time": ("整改中（未到期）", "Open, not yet due"),
    "overdue": ("逾期未整改", "Overdue"),
    "long_term": ("长期整改", "Long-term"),
    "overdue_total": ("逾期未整改共 {n} 个问题", "{n} issues overdue"),
    "category_filter_active": ("已按问题类别筛选：{cats}（可在侧栏清除）", "Filtered to categories: {cats} (clear in the sidebar)"),
    # compare
    "ratio_tile": ("市级是县级的 {ratio}", "Municipal is {ratio} county"),
    "level_counts": ("比值所依据的巡察：市级{m}次、县级{c}次。", "The ratios rest on {m} municipal and {c} county "
                     "inspections."),
    "level_few": ("{level}巡察只有{n}次：比值会因个别巡察大幅变化，仅供参考。",
                  "{level} inspections: only {n}. One inspection can move these ratios a lot; use them with care."),
    "avg_issues_and_clues": ("每次巡察问题+线索", "Issues + clues per inspection"),
    "avg_clues": ("每次巡察问题线索", "Clues per inspection"),
    "avg_disciplined": ("每次巡察处分人数", "Disciplined per inspection"),
    "avg_immediate_fixes": ("每次巡察立行立改", "Immediate fixes per inspection"),
    "chart_level_avgs": ("市县每次巡察平均成果", "Per-inspection results by level"),
    "chart_level_like": ("同口径对比：市县均有巡察的县区和年度", "Like for like: districts and years both levels worked"),
    "like_note": ("市级巡察组多派往问题较多的村，整体比值包含选择因素；同口径只比较 {cells} 个双方都有巡察的"
                  "“县区×年度”。", "Municipal teams go to harder villages; like for like compares only the {cells} "
                  "district-year cells where both levels inspected."),
    "like_none": ("没有市县双方都有巡察的县区和年度，无法做同口径对比。",
                  "No district-year where both levels inspected: no like-for-like comparison."),
    "chart_by_mode": ("分巡察方式：每次巡察问题+线索", "Issues + clues per inspection by mode"),
    "team_table": ("巡察组排行（按每次巡察问题+线索）", "Team league table (issues + clues per inspection)"),
    "avg_label": ("平均每次（个/次）", "Per inspection"),
    "one_level_only": ("当前筛选只包含一个层级，无法计算市县比值。", "Only one level in the filtered data: no ratio."),
    "levels_not_reported": ("所选巡察未填报计算每次巡察平均值所需的数字（如问题线索、处分人数、立行立改），无法计算平均值；"
                            "未填报不按 0 计。",
                            "The selected inspections did not report the figures these averages need (such as clues, "
                            "people disciplined, immediate fixes): no average; a blank is not counted as 0."),
    # imports
    "upload": ("选择要导入的文件（可多选：对象名册、巡察情况、问题清单）",
               "Choose the files to import (several at once: roster, inspections, issue list)"),
    "import_button": ("导入", "Import"),
    "import_user": ("导入人", "Imported by"),
    "import_done": ("导入成功：{counts}。", "Imported: {counts}."),
    "import_changes": ("替换的内容（{n} 项）", "What the replacement changed ({n} entries)"),
    "import_changes_download": ("下载替换清单", "Download the list of changes"),
    "ch_table": ("表", "Table"), "ch_round": ("轮次", "Round"), "ch_district": ("县区", "District"),
    "ch_township": ("乡镇", "Township"), "ch_unit": ("对象", "Unit"), "ch_field": ("字段", "Field"),
    "ch_old": ("原值", "Was"), "ch_new": ("新值", "Now"),
    "log_unchanged": ("未变", "Unchanged"),
    "import_unchanged": ("文件中的数据都已在库中，没有变化。", "Every row of these files is already in the store; nothing "
                         "changed."),
    "import_rejected": ("导入未执行：发现 {n} 个问题，数据库未作任何修改。请修改后重新导入。",
                        "Not imported: {n} problems found; the store was not changed. Fix them and import again."),
    "problems_download": ("下载问题清单（Excel，原表附错误说明列）", "Download the problems (Excel, input with an error column)"),
    "warnings": ("提示", "Warnings"),
    "import_log": ("导入记录", "Import log"),
    "import_log_empty": ("还没有导入记录。", "No imports yet."),
    "undo_select": ("选择要撤销的导入", "Import to undo"),
    "undo_button": ("撤销该次导入", "Undo this import"),
    "help_title": ("第一次导入？三张表的列和空白模板", "First import? The three tables, their columns and blank templates"),
    "help_intro": ("台账可以是一个文件一张表，也可以是一个工作簿里多张表（Excel、WPS 表格、CSV，或 Word 文档里的表格）；"
                   "表头按下列名称（或其他可接受的名称）书写，"
                   "标题行、合计行、合并单元格都可以保留。必填的列须填写（模板中为红底）。",
                   "A ledger may hold one table per file or several sheets in one workbook (Excel, WPS, CSV, or "
                   "the tables of a Word document). Its headers are in "
                   "Chinese: write each as in the Header column (or another accepted name); Meaning says what the "
                   "column holds. Title rows, total rows and merged cells may stay. Required columns must be "
                   "filled in (on red in the templates)."),
    "help_header": ("表头", "Header"),
    "help_meaning": ("说明", "Meaning"),
    # what each column holds (the help's 说明 column, templates.meaning); by contract field name. The
    # values and examples a clerk writes in Chinese come in as {values}, {example}, {yes}, {no}
    "help_field_district": ("县区名称，如 {example}", "County or district, e.g. {example}"),
    "help_field_township": ("乡镇或街道名称", "Township or sub-district (street office)"),
    "help_field_unit_name": ("被巡察的村、社区或单位名称", "Name of the village, community or body inspected"),
    "help_field_unit_code": ("对象的组织编码；名册有编码时按编码识别对象",
                             "The unit's code; when the roster has codes, units are matched by code"),
    "help_field_unit_type": ("{values}；空着按名称推断", "{values}; blank: from the name"),
    "help_field_is_poverty_village": ("{yes}/{no}（空着为{no}）", "Poverty(-alleviated) village: {yes} yes / {no} no "
                                      "(blank: no)"),
    "help_field_is_weak_org": ("{yes}/{no}（空着为{no}）", "Weak or lax Party organisation: {yes} yes / {no} no "
                               "(blank: no)"),
    "help_field_round": ("巡察轮次，如 {example}", "Inspection round, e.g. {example}"),
    "help_field_level": ("{values}", "Level of the inspecting Party committee: {values}"),
    "help_field_team": ("巡察组名称，如 {example}", "Inspection team, e.g. {example}"),
    "help_field_mode": ("{values}；空着为{example}", "{values}; blank: {example}"),
    "help_field_start_date": ("进驻日期，如 {example}", "Day the team arrived, e.g. {example}"),
    "help_field_end_date": ("撤离日期", "Day the team left"),
    "help_field_period": ("起止日期写在一格，如 {example}（可代替开始、结束日期）",
                          "Start and end in one cell, e.g. {example} (instead of the two dates)"),
    "help_field_issues_found": ("发现问题数（个）", "Issues found (count)"),
    "help_field_clues": ("移交问题线索数（件）", "Leads on problems handed on (count)"),
    "help_field_immediate_fixes": ("立行立改问题数（个）", "Issues fixed on the spot (count)"),
    "help_field_disciplined": ("受党纪政务处分人数（人）", "People given Party or administrative discipline"),
    "help_field_org_handled": ("组织处理人数（人）", "People dealt with organisationally"),
    "help_field_judicial": ("移交司法机关人数（人）", "People handed to judicial organs"),
    "help_field_rectified": ("已整改问题数（个）", "Issues rectified (count)"),
    "help_field_funds_recovered": ("追回资金（{values}；表头写{example}时按元换算）",
                                   "Funds recovered, in {values} (10,000 yuan; a header ending in {example} is in "
                                   "yuan)"),
    "help_field_category": ("问题类别（一级）", "Issue category (first level)"),
    "help_field_subcategory": ("问题子类（二级）", "Issue subcategory (second level)"),
    "help_field_description": ("问题描述（仅管理员可见）", "Description of the issue (shown to administrators only)"),
    "help_field_status": ("{values}；空着为{example}", "{values}; blank: {example}"),
    "help_field_due_date": ("整改时限（日期）", "Deadline for rectification (date)"),
    "help_field_rectified_date": ("整改完成日期", "Day the rectification was completed"),
    "help_need": ("是否必填", "Required"),
    "help_also": ("也可写作", "Also accepted"),
    "help_required": ("必填", "required"),
    "help_optional": ("选填", "optional"),
    "help_template": ("下载空白模板：{table}", "Download a blank template: {table}"),
    "help_template_file": ("模板_{table}.xlsx", "Template {table}.xlsx"),
    "table_roster": ("对象名册", "Roster of units"),
    "table_inspections": ("巡察情况", "Inspections"),
    "table_issues": ("问题清单", "Issue list"),
    "clerk_name": ("导入人姓名（记入导入记录）", "Your name (recorded in the import log)"),
    "local_clerk": ("本机用户", "local user"),
    "undo_placeholder": ("请选择一次导入", "Choose an import"),
    "undo_type": ("导入编号（撤销写入超过 {n} 行的导入时，须在此输入其编号以确认）",
                  "Import number (type it to confirm undoing an import that wrote more than {n} rows)"),
    "undo_none_chosen": ("没有撤销任何导入：请先选择要撤销的导入。", "Nothing was undone: choose an import first."),
    "undo_not_confirmed": ("没有撤销导入 #{id}：请勾选「确认撤销」后再点击。",
                           "Import #{id} was not undone: tick the confirmation box first."),
    "undo_type_needed": ("没有撤销导入 #{id}：它写入了 {rows} 行，请在「导入编号」框中输入 {id} 以确认。",
                         "Import #{id} was not undone: it wrote {rows} rows; type {id} in the number box to confirm."),
    "undo_confirm": ("确认撤销（该次导入写入的数据将被删除，被替换的数据恢复）",
                     "Confirm (its rows are deleted and what it replaced comes back)"),
    "p_file": ("文件", "File"),
    "p_sheet": ("工作表", "Sheet"),
    "p_row": ("行号", "Row"),
    "p_column": ("列", "Column"),
    "p_value": ("单元格内容", "Value"),
    "p_reason": ("问题", "Problem"),
    "p_suggestion": ("建议", "Suggestion"),
    "log_id": ("编号", "No."),
    "log_time": ("导入时间", "Time"),
    "log_user": ("导入人", "By"),
    "log_files": ("文件", "Files"),
    "log_added": ("新增", "Added"),
    "log_replaced": ("替换", "Replaced"),
    "log_skipped": ("跳过", "Skipped"),
    "log_status": ("状态", "Status"),
    "status_active": ("有效", "active"),
    "status_undone": ("已撤销", "undone"),
    # mappings (ui/mappings.py): an unknown header or value, answered once
    "map_title": ("回答一次，以后的导入都记住", "Answer once; later imports remember"),
    "map_help": ("这些表头或取值数据规范不认识。选择它们的意思后保存，将立即重新导入这些文件；以后的台账用同样的写法时不再询问。"
                 "数据规范已定义的表头和取值不会被改变。",
                 "The contract does not know these headers or values. Choose what they mean and save: the files are "
                 "imported again at once, and later ledgers written the same way are not asked about. Headers and "
                 "values the contract defines never change."),
    "map_choose": ("（请选择）", "(choose)"),
    "map_ignore": ("不导入（忽略该列）", "Not imported (ignore the column)"),
    "map_missing": ("必填列「{field}」是文件中的哪一列？", "Which column of the file is the required '{field}'?"),
    "map_column": ("列「{column}」是", "Column '{column}' is"),
    "map_value": ("{table}·{field}：「{value}」（{rows} 行）的意思是", "{table} {field}: '{value}' ({rows} rows) means"),
    "map_save": ("保存映射并重新导入", "Save the mappings and import again"),
    "map_twice": ("同一列选了两个字段：{columns}", "A column was given two fields: {columns}"),
    "map_nothing": ("没有选择任何映射。", "No mapping was chosen."),
    "map_refused": ("映射未保存，数据库未改动：{message}", "The mappings were not saved; nothing changed: {message}"),
    "map_saved": ("已保存 {n} 条映射，并重新导入了这些文件。", "{n} mappings saved and the files imported again."),
    "map_used": ("本次导入使用的映射（{n}）", "Mappings this import used ({n})"),
    "map_list": ("表头和取值映射", "Header and value mappings"),
    "map_none": ("还没有映射。导入被拒绝只因为不认识的表头或取值时，页面会询问并记住回答。",
                 "No mappings yet. When an import is refused only for unknown headers or values, this page asks "
                 "and remembers the answers."),
    "map_rule": ("映射", "Mapping"),
    "map_by": ("保存人", "By"),
    "map_at": ("保存时间", "When"),
    "map_remove_select": ("选择要删除的映射", "Mapping to remove"),
    "map_remove": ("删除该映射", "Remove this mapping"),
    "map_removed": ("已删除映射：{rule}", "Mapping removed: {rule}"),
    # briefing (简报) and its exports
    "briefing_title": ("简报标题", "Briefing title"),
    "briefing_default_title": ("巡察村(社区)党组织工作情况", "Village (community) Party organisation inspections"),
    "briefing_subtitle": ("数据截至 {as_of}　筛选：{filters}", "Data as of {as_of}  Filters: {filters}"),
    "briefing_made": ("生成于 {today}", "Made on {today}"),
    "chart_levels_brief": ("市县每次巡察平均成果", "Per-inspection results by level"),
    "chart_categories_brief": ("问题类别及整改情况", "Issue categories and rectification"),
    "kpi_sheet": ("主要指标", "Key figures"),
    "indicator": ("指标", "Indicator"),
    "total": ("合计", "Total"),
    "value": ("数值", "Value"),
    "shown": ("显示值", "Shown"),
    "plan_rate": ("计划进度", "Plan"),
    "day": ("日期", "Date"),
    "issues": ("问题数", "Issues"),
    "rectification_rate": ("整改完成率", "Rectification rate"),
    "kpi_rectification_detail": ("已整改 {done} / 问题 {total} 个", "{done} of {total} issues"),
    "kpi_inspections_detail": ("覆盖 {units} 个对象", "{units} units"),
    "kpi_issues_detail": ("立行立改 {n} 个", "{n} fixed on the spot"),
    "kpi_clues_detail": ("移交司法机关 {n} 人", "{n} to judicial organs"),
    "kpi_detail_not_reported": ("{what}未填报", "{what}: not reported"),
    "kpi_disciplined_detail": ("组织处理 {n} 人", "{n} organisational measures"),
    "units": ("对象数", "Units"),
    "brief_lowest": ("{title}（最低的 {n} 个，共 {total} 个县区）", "{title} (the {n} lowest of {total} districts)"),
    "brief_most": ("{title}（问题最多的 {n} 个，共 {total} 个县区）",
                   "{title} (the {n} with the most issues of {total} districts)"),
    "brief_png": ("下载图片（PNG）", "Download PNG"),
    "brief_no_browser": ("服务器未安装 Chromium 浏览器，无法在服务器端生成图片；请使用图表右上角工具栏的相机按钮下载。",
                         "No Chromium on the server, so no server-side PNG; use the camera button of the chart "
                         "toolbar."),
    "brief_no_browser_deck": ("服务器未安装 Chromium 浏览器：PPT 和 PDF 中只包含数据表，不含图表图片。",
                              "No Chromium on the server: the decks carry the tables without chart images."),
    "brief_exports": ("导出", "Export"),
    "brief_with_extra": ("幻灯片中附加两张图表（各县区累计覆盖率、各县区问题类别分布）",
                         "Add two charts to the decks (coverage by district over time, categories by district)"),
    "brief_with_extra_help": ("每份幻灯片最多 6 张图表。", "A deck holds at most 6 charts."),
    "brief_kind": ("巡察简报", "inspection-briefing"),
    "brief_data_kind": ("巡察简报数据", "inspection-briefing-data"),
    "brief_pptx": ("一键生成 PPT", "PowerPoint deck"),
    "brief_district_table": ("分县区情况", "By district"),
    "brief_report_kind": ("巡察情况报告", "inspection-report"),
    "brief_docx": ("一键生成 Word 报告", "Word report"),
    "brief_summary": ("情况综述", "Summary"),
    "brief_summary_help": ("由与图表相同的查询生成，可直接复制到汇报材料中（右上角复制按钮）。",
                           "Written from the same queries as the charts; copy it with the button at its top right."),
    "brief_copy": ("复制", "Copy"),
    "brief_copied": ("已复制", "Copied"),
    "brief_pdf": ("一键生成 PDF", "PDF deck"),
    "brief_no_font": ("服务器未安装中文字体（Noto Sans CJK），无法生成 PDF。", "No CJK font on the server: no PDF."),
    "brief_xlsx": ("全部数据表（Excel）", "All tables (Excel)"),
    "brief_csv_each": ("单个数据表（CSV，UTF-8）", "One table (CSV, UTF-8)"),
    "brief_shot_link": ("打开截图模式（隐藏侧栏和按钮）", "Open screenshot mode (no sidebar, no buttons)"),
    "brief_shot_help": ("截图模式的网址包含当前筛选条件和标题，可直接收藏或发给他人；浏览器全屏（F11）后截图效果最佳。",
                        "The screenshot-mode link keeps the filters and the title; press F11 for a full-screen "
                        "shot."),
    # marks on every copy and the export log
    "export_guest": ("访客", "guest"),
    "export_not_logged": ("注意：最近一次导出（{at}）未能记入导出记录：{message}",
                          "Note: the last export ({at}) could not be recorded in the export log: {message}"),
    "export_log": ("导出记录", "Export log"),
    "export_log_help": ("每次下载（PNG、PPTX、PDF、DOCX、Excel、CSV）生成时记录：谁、何时、导出了什么、使用了哪些筛选条件。",
                        "Every download (PNG, PPTX, PDF, DOCX, Excel, CSV) is recorded when it is generated: who, "
                        "when, what and with which filters."),
    "export_log_empty": ("还没有导出记录。", "No exports yet."),
    "export_log_first": ("显示最近 {n} 条；全部记录：python -m inspection exports-log",
                         "The latest {n} shown; all of them: python -m inspection exports-log"),
    "x_time": ("导出时间", "Time"),
    "x_user": ("导出人", "By"),
    "x_kind": ("格式", "Format"),
    "x_page": ("页面", "Page"),
    "x_file": ("文件名", "File name"),
    "x_filters": ("筛选条件", "Filters"),
    # plan & follow-up (计划与整改)
    "fu_title": ("计划与整改", "Plan & rectification"),
    "fu_plan": ("全覆盖计划进度", "Coverage plan"),
    "fu_plan_caption": ("计划：自 {start} 至 {end} 覆盖 {target}（各县区可单独设置）。进度按近 6 个月新覆盖对象数推算；"
                        "对象以其首次（符合筛选条件的）巡察进驻日期计为覆盖。",
                        "Plan: cover {target} from {start} to {end} (districts may differ). Projections use the units "
                        "newly covered in the last 6 months; a unit counts as covered on the start date of its first "
                        "inspection that passes the filters."),
    "fu_total": ("合计", "Total"),
    "fu_behind_n": ("按当前进度，{n} 个县区将无法按计划完成：{names}。",
                    "At the current pace {n} districts will miss the plan: {names}."),
    "fu_behind_none": ("按当前进度，各县区均可按计划完成。", "At the current pace every district meets the plan."),
    "fu_no_progress": ("近6个月无进展", "no progress in 6 months"),
    "fu_reached": ("已完成（{date}）", "reached ({date})"),
    "fu_plan_over": ("计划已到期", "plan period over"),
    "col_status": ("状态", "Status"),
    "col_covered": ("已覆盖", "Covered"),
    "col_covered_share": ("覆盖率", "Coverage"),
    "col_planned_share": ("计划进度", "Planned"),
    "col_planned_units": ("计划应覆盖（个）", "Planned by now (units)"),
    "col_gap": ("与计划相比", "Against the plan"),
    "gap_behind": ("落后 {n} 个", "{n} behind"),
    "gap_ahead": ("超前 {n} 个", "{n} ahead"),
    "gap_even": ("持平", "on the line"),
    "col_remaining": ("尚需覆盖（个）", "Units left"),
    "col_months_left": ("剩余月数", "Months left"),
    "fu_plan_check": ("核对方法：计划应覆盖 = 应巡对象 × 计划进度（取整）；与计划相比 = 计划应覆盖 − 已覆盖；"
                      "按期完成需月均 = 尚需覆盖 ÷ 剩余月数（剩余天数 ÷ 30.4，不足 1 个月按 1 个月计）；"
                      "每月缺口 = 需月均 − 近6月月均新覆盖（仅按当前进度无法按期完成的行）。合计行的尚需覆盖、需月均和每月缺口"
                      "是各行之和，任一行无法按期完成即合计无法按期完成。",
                      "How to check: planned by now = roster units × planned share (rounded); against the plan = "
                      "planned by now − covered; needed per month = units left ÷ months left (days left ÷ 30.4, "
                      "at least 1); lacking per month = needed − pace of the last 6 months (rows not in time at this "
                      "pace only). The total's units left, needed and lacking are the sums of its rows; it is not in "
                      "time when any row is not."),
    "col_pace": ("近6月月均新覆盖", "Pace (units/month)"),
    "col_projected": ("预计完成日期", "Projected completion"),
    "col_needed": ("按期完成需月均", "Needed per month"),
    "col_lacking": ("每月缺口", "Lacking per month"),
    "col_plan_end": ("计划截止", "Plan end"),
    # by the pace (a district ahead of the plan's line today may still not finish: 超前 12 个 beside
    # 滞后 read as a contradiction); the words of the charts' legend (plan_behind)
    "st_behind": ("⚠ 无法按期完成", "⚠ not finishing in time"),
    "st_ok": ("正常", "on track"),
    "st_not_started": ("计划未开始", "plan not started"),
    "plan_not_started": ("截至数据日期，全覆盖计划尚未开始，尚不能判断能否按期完成。",
                         "As of this date the coverage plan has not started: too early to say whether it "
                         "finishes on time."),
    "st_done": ("已完成", "done"),
    "fu_chart_projection": ("各县区累计覆盖率：实线为实际，点线为计划，虚线为按当前进度推算至计划截止",
                            "Cumulative coverage by district: solid actual, dotted plan, dashed projection to the "
                            "plan end"),
    "fu_actual": ("实际覆盖", "Actual"),
    "fu_planline": ("计划进度", "Plan"),
    "fu_projection": ("按当前进度推算", "Projection"),
    "fu_settings": ("计划设置", "Plan settings"),
    "fu_settings_help": ("默认计划适用于所有未单独设置的县区。目标为应巡对象的比例（0–100%）。",
                         "The default plan applies to every district without its own. The target is a share of the "
                         "roster (0-100%)."),
    "fu_settings_district": ("适用范围", "Applies to"),
    "fu_default": ("默认（全部县区）", "Default (all districts)"),
    "fu_start": ("计划开始", "Plan start"),
    "fu_end": ("计划截止", "Plan end"),
    "fu_target": ("目标覆盖率（%）", "Target (%)"),
    "fu_save": ("保存计划", "Save plan"),
    "fu_remove": ("删除该县区的单独计划（改用默认）", "Remove this district's own plan (use the default)"),
    "fu_saved": ("计划已保存。", "Plan saved."),
    "fu_removed": ("已删除，该县区改用默认计划。", "Removed; the district uses the default plan."),
    "fu_settings_stored": ("当前设置", "Stored settings"),
    "fu_readonly": ("数据库为只读，无法保存计划：{message}", "The store is read-only; the plan cannot be saved: {message}"),
    "fu_rect": ("问题整改", "Rectification"),
    "fu_rect_rate": ("整改完成率", "Rectification rate"),
    "fu_one_month": ("一个月内整改完成率", "Rectified within one month"),
    "fu_one_month_help": ("反馈（巡察结束）后 30 天内完成整改的问题 / 有反馈日期的问题；参考值 70%。",
                          "Issues rectified at most 30 days after the feedback (end date) / issues with a feedback "
                          "date; reference 70%."),
    "fu_overdue": ("逾期未整改", "Overdue"),
    "fu_overdue_help": ("截至数据日期未整改且已过整改时限的问题数。", "Not rectified and past the due date, as of the data date."),
    "long_term_help": ("整改状态为长期坚持、持续整改、基本完成等的问题：不计为已整改，也不计为逾期。",
                       "Issues whose status is long-term (ongoing, substantially done, on schedule): neither "
                       "rectified nor overdue."),
    "fu_chart_status": ("问题清单整改状态", "Rectification status of the listed issues"),
    "fu_basis_counts": ("无问题清单，按巡察情况表中已整改数/发现问题数计算。",
                        "No issue list: computed from the rectified and issues-found counts."),
    "fu_reference": ("参考值 70%", "Reference 70%"),
    "fu_vs_reference": ("较参考值 {delta}", "{delta} vs reference"),
    "fu_chart_days": ("反馈后整改完成比例（按天数，市县分列）", "Share rectified by days since feedback, by level"),
    "fu_days": ("反馈后天数", "Days since feedback"),
    "fu_share_rectified": ("已整改比例（%）", "Rectified (%)"),
    "fu_chart_overdue": ("各县区逾期未整改问题（按类别）", "Overdue issues by district and category"),
    "fu_overdue_count": ("逾期问题数（个）", "Overdue issues"),
    "fu_undated": ("另有 {n} 个未整改问题未填整改时限，无法判断是否逾期，不计入逾期未整改。",
                   "{n} more issues not rectified have no due date: whether they are overdue cannot be told, and "
                   "they are not counted as overdue."),
    "fu_overdue_none": ("截至数据日期没有逾期未整改的问题。", "No overdue issues as of the data date."),
    "fu_admin_list": ("逾期问题清单（含问题描述，仅限管理员查看，不可导出）",
                      "Overdue issues with descriptions (administrators only, not exportable)"),
    "fu_admin_only": ("仅管理员可查看逾期问题明细。", "Only administrators can see the overdue issue details."),
    "fu_no_list": ("当前筛选条件下没有问题清单，无法计算整改曲线和逾期情况。",
                   "No issue list for the current filters: no rectification curve or overdue figures."),
    "description": ("问题描述", "Description"),
    "status": ("整改状态", "Status"),
    "due_date": ("整改时限", "Due"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "listed_issues": ("清单问题数", "Listed issues"),
    "n_days": ("{n}天", "{n} days"),
    # log-in and roles (ui/auth.py)
    "login": ("登录", "Log in"),
    "logout": ("退出登录", "Log out"),
    "login_title": ("登录巡察数据看板", "Log in to the inspection dashboard"),
    "login_required": ("查看本看板需要先登录。", "Viewing this dashboard requires a log-in."),
    "name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "sso": ("单点登录", "Single sign-on"),
    "sso_unavailable": ("单点登录暂不可用：{message}", "Single sign-on is unavailable: {message}"),
    "sso_no_role": ("账号 {email} 未被授予角色，请联系管理员用 add-user --sso 添加。",
                    "{email} has no role; ask an administrator to add it with add-user --sso."),
    "wrong": ("用户名或密码错误。", "Wrong user name or password."),
    "locked": ("该用户连续登录失败次数过多，请 {minutes} 分钟后再试。",
               "Too many failed log-ins for this name; try again in {minutes} minutes."),
    "empty": ("请输入用户名和密码。", "Enter a user name and a password."),
    "logged_in": ("已登录：{name}（{role}）", "Logged in: {name} ({role})"),
    "role_admin": ("管理员", "administrator"),
    "role_viewer": ("查看者", "viewer"),
    "anonymous": ("未登录：仅可查看汇总图表。管理员请登录后导入数据。",
                  "Not logged in: charts only. Administrators log in to import."),
    "local_mode": ("本机模式：未配置账号，只在 127.0.0.1 提供服务。", "Local mode: no users configured, served on 127.0.0.1 only."),
    "local_only": ("未配置管理员账号：本看板只在本机 127.0.0.1 提供服务，导入对本机用户开放。"
                   "如需在局域网内使用，请先运行 python -m inspection add-user 姓名 --role admin 添加管理员。",
                   "No administrator configured: this dashboard is served on this machine (127.0.0.1) only and "
                   "importing is open to its local user. To serve the office network, first add an administrator "
                   "with python -m inspection add-user NAME --role admin."),
    "local_remote": ("未配置管理员账号：只有本机用户可以导入。", "No administrator configured: only the local user may import."),
    "denied_import": ("仅管理员可以导入数据。请在左侧登录。", "Only administrators may import data. Log in on the left."),
    "denied_undo": ("仅管理员可以撤销导入。", "Only administrators may undo an import."),
    "denied_settings": ("仅管理员可以修改设置。", "Only administrators may change settings."),
    "denied_view_text": ("仅管理员可以查看问题描述等文字内容。", "Only administrators may read issue descriptions."),
    "denied_view": ("请先登录。", "Please log in."),
    "backup_failed": ("操作已完成，但备份数据库失败：", "Done, but backing up the store failed: "),
    "session_ended": ("登录已结束（长时间未操作，或会话来自另一连接），请重新登录。",
                      "Your log-in ended (idle too long, or the session came from another connection); log in again."),
    "viewing_open": ("注意：已配置账号，但 INSPECTION_REQUIRE_LOGIN=0，未登录的任何人都能查看本看板。",
                     "Warning: users are configured but INSPECTION_REQUIRE_LOGIN=0: anyone can view this dashboard "
                     "without logging in."),
    "local_host_refused": ("本看板只接受本机地址（localhost / 127.0.0.1）的访问。",
                           "This dashboard answers only to this machine's addresses (localhost / 127.0.0.1)."),
    "store_damaged_public": ("数据库暂时无法打开，请联系管理员。", "The store cannot be opened; contact the administrator."),
    "users_file_error": ("用户文件无法读取，已按未登录处理：{message}", "The users file cannot be read: {message}"),
    # per-district charts at province scale (inspection/charts.py SHOWN_DISTRICTS)
    "shown_districts": ("显示的县区", "Districts shown"),
    "shown_most_behind": ("落后最多的 {n} 个", "The {n} most behind"),
    "shown_ranks": ("落后程度第 {first}–{last} 名", "Nos. {first}–{last} most behind"),
    "shown_note_first": ("显示落后最多的 {n} 个县区（共 {total} 个）；可在上方切换，或在侧栏「县区」中直接选择。",
                         "Showing the {n} districts most behind the plan (of {total}); pick others above or in "
                         "the District filter."),
    "shown_note_ranks": ("显示落后程度第 {first}–{last} 名的县区（共 {total} 个）。",
                         "Showing the districts ranked {first}–{last} most behind the plan (of {total})."),
    "shown_help": ("县区按落后于计划的程度排序：先列无法按期完成的，再按覆盖率从低到高。",
                   "Districts in order of how far behind the plan they are: those that will not finish on time "
                   "first, then by coverage, lowest first."),
    # the same choice without a plan (none set, or inspection filters: plan_applies): lowest coverage first
    "shown_lowest": ("覆盖率最低的 {n} 个", "The {n} lowest"),
    "shown_ranks_lowest": ("覆盖率由低到高第 {first}–{last} 名", "Nos. {first}–{last} lowest"),
    "shown_note_first_lowest": ("显示覆盖率最低的 {n} 个县区（共 {total} 个）；可在上方切换，或在侧栏「县区」中直接选择。",
                                "Showing the {n} districts with the lowest coverage (of {total}); pick others above "
                                "or in the District filter."),
    "shown_note_ranks_lowest": ("显示覆盖率由低到高第 {first}–{last} 名的县区（共 {total} 个）。",
                                "Showing the districts ranked {first}–{last} by coverage, lowest first (of {total})."),
    "shown_help_lowest": ("县区按覆盖率从低到高排序（无计划进度可比：未设置计划，或已按轮次、年度、层级或方式筛选）。",
                          "Districts in order of coverage, lowest first (no plan to compare with: none is set, or "
                          "a round, year, level or mode filter applies)."),
    # ... and by issues found, most first (the issue categories by district)
    "shown_most_issues": ("问题最多的 {n} 个", "The {n} with the most issues"),
    "shown_ranks_issues": ("问题数第 {first}–{last} 名", "Nos. {first}–{last} by issues"),
    "shown_note_first_issues": ("显示发现问题最多的 {n} 个县区（共 {total} 个）；可在上方切换，或在侧栏「县区」中直接选择。",
                                "Showing the {n} districts with the most issues (of {total}); pick others above "
                                "or in the District filter."),
    "shown_note_ranks_issues": ("显示发现问题数第 {first}–{last} 名的县区（共 {total} 个）。",
                                "Showing the districts ranked {first}–{last} by issues found (of {total})."),
    "shown_help_issues": ("县区按问题清单中的问题数从多到少排序。", "Districts in order of the issues listed, most first."),
    "by_mode_missing": ("某方式下缺少某层级的柱：该层级没有这种方式的巡察（不是 0）。",
                        "A level without a bar under a mode had no inspection of that mode (not zero)."),
    "trend_one_round": ("所选范围只有一个轮次，只有各类别的点，没有趋势；选择更多轮次可看变化。",
                        "Only one round is selected: one point per category and no trend; choose more rounds "
                        "to see a change."),
    "heatmap_missing": ("未列出的县区在所选范围内没有巡察：{names}。", "Districts without an inspection in this "
                        "selection, so without a row: {names}."),
    "whole_area": ("全部县区合计", "All districts"),
    "names_more": ("{names} 等（另有 {more} 个）", "{names} and {more} more"),
    "fu_chart_overdue_top": ("{title}：逾期最多的 {n} 个县区（共 {total} 个）",
                             "{title}: the {n} districts with the most (of {total})"),
    "fu_overdue_first": ("显示逾期最久的 {n} 条（共 {total} 条）；可用侧栏筛选缩小范围。",
                         "Showing the {n} longest overdue of {total}; narrow them down with the filters."),
}

# The by-district titles at a finer grain (inspection/filters.py Filters.grain): the district words
# of a title give way to the grain's, in this order, and the place follows the title.
GRAIN_WORDS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "township": ((("全部县区", "全部乡镇（街道）"), ("各县区", "各乡镇（街道）"), ("县区", "乡镇（街道）")),
                 (("All districts", "All townships"), ("by district", "by township"), ("Districts", "Townships"),
                  ("districts", "townships"), ("District", "Township"), ("district", "township"))),
    "unit": ((("全部县区", "全部对象"), ("各县区", "各对象"), ("县区", "对象")),
             (("All districts", "All units"), ("by district", "by unit"), ("Districts", "Units"),
              ("districts", "units"), ("District", "Unit"), ("district", "unit"))),
}
LABELS.update({
    # the top of the breadcrumb: the store knows no name for its whole area (no setting, plan or
    # roster field holds one; a city's or a province's roster alike lists districts), so it says
    # what it is, as the whole area's line does (whole_area): every district (README, drill-down)
    "grain_top": ("全部县区", "All districts"),
    "breadcrumb_help": ("点击上一级返回", "Click a level to go back up"),
    # the unit page (pages/unit.py)
    "page_unit": ("对象档案", "Unit profile"),
    "unit_search": ("查找对象（输入名称）", "Find a unit (type its name)"),
    "unit_search_help": ("在侧栏筛选的县区、乡镇（街道）范围内查找。", "Searches the districts and townships chosen in the sidebar."),
    "unit_too_many": ("可选对象超过 {n} 个，只列出前 {n} 个；请先在侧栏选择县区或乡镇（街道）。",
                      "More than {n} units: the first {n} are offered; choose a district or township in the sidebar first."),
    "unit_none": ("筛选范围内没有对象。", "No unit in the filtered roster."),
    "unit_pick": ("请选择一个对象。", "Choose a unit."),
    "unit_where": ("{district} › {township} · {unit_type}", "{district} › {township} · {unit_type}"),
    "unit_rounds": ("历次巡察", "Inspections, round by round"),
    "unit_never": ("截至 {as_of} 尚未巡察。", "Not inspected by {as_of}."),
    "unit_issues": ("问题类别及整改情况", "Issues by category and rectification"),
    "unit_no_issues": ("没有问题清单。", "No issue list for this unit."),
    "unit_standing": ("在本乡镇（街道）中的位置", "Where it stands in its township"),
    "unit_town_coverage": ("{township}覆盖率 {rate}（{covered}/{total}）", "{township}: coverage {rate} ({covered} of {total})"),
    "unit_rank": ("本乡镇（街道）{n} 个已巡察对象中，发现问题数排第 {rank} 位（内部掌握）。",
                  "Of the {n} inspected units of its township, it ranks {rank} by issues found (internal)."),
    "unit_details": ("问题明细（仅管理员可见）", "Issue details (administrators only)"),
    "unit_details_viewer": ("问题明细和排名仅管理员可见；这里显示覆盖情况和数量。",
                            "Issue details and rankings are for administrators; viewers see coverage and counts."),
    "unit_open": ("查看对象档案", "Open a unit's profile"),
    "col_start": ("进驻日期", "Start"),
    "col_end": ("结束日期", "End"),
    "col_org_handled": ("组织处理", "Org. handling"),
    "col_judicial": ("移送司法", "To prosecution"),
    "col_funds": ("追回资金（万元）", "Recovered (10k yuan)"),
    "col_rectified_date": ("整改完成时间", "Rectified on"),
})
# the briefing's summary text (inspection/report.py): sentence templates, {names} filled with formatted
# figures
LABELS.update({
    "rep_as_of": ("截至{date}", "As of {date}"),
    "rep_scope": ("（{filters}）", " ({filters})"),
    "rep_coverage": ("{as_of}{scope}，已完成对{total}个应巡对象中{covered}个党组织的巡察，覆盖率{rate}",
                 "{as_of}{scope}, {covered} of the {total} units on the roster had been inspected ({rate})"),
    "rep_coverage_subset": ("{as_of}{scope}，所选巡察覆盖{total}个应巡对象中{covered}个党组织，覆盖率{rate}（只计所选巡察）",
                            "{as_of}{scope}, the selected inspections covered {covered} of the {total} units on the "
                            "roster ({rate}; other inspections not counted)"),
    "rep_plan_ahead": ("，达到计划进度（{planned}）。", ", on or ahead of the plan ({planned} by now)."),
    "rep_plan_gap": ("，按计划此时应达到{planned}，相差{gap}个百分点。",
                 "; the plan called for {planned} by now, {gap} percentage points more."),
    "rep_no_plan": ("。", "."),
    "rep_plan_not_started": ("，全覆盖计划尚未开始（{start}起）。", ", before the coverage plan starts ({start})."),
    "rep_behind": ("按近6个月进度，{n}个县区预计不能在计划期内完成全覆盖：{names}。",
               " At the pace of the last 6 months, {n} district(s) will not complete coverage within the plan: "
               "{names}."),
    "rep_behind_one": ("按近6个月进度，{district}预计不能在计划期内完成全覆盖（已覆盖{rate}）。",
                   " At the pace of the last 6 months, {district} will not complete coverage within the plan "
                   "({rate} covered)."),
    "rep_behind_more": ("{names}等", "{names} and others"),
    "rep_behind_item": ("{district}（已覆盖{rate}）", "{district} ({rate} covered)"),
    "rep_all_on_track": ("按近6个月进度，各县区均可在计划期内完成全覆盖。",
                     " At the pace of the last 6 months, every district completes coverage within the plan."),
    "rep_no_roster": ("{as_of}{scope}，已对{covered}个对象开展巡察{inspections}次（未导入对象名册，无法计算覆盖率）。",
                  "{as_of}{scope}, {covered} units had been inspected in {inspections} inspections (no roster: "
                  "coverage cannot be computed)."),
    "rep_results_lead": ("共开展巡察{inspections}次，", "{inspections} inspections "),
    "rep_issues": ("累计发现问题{n}个", "found {n} issues"),
    "rep_fixes": ("其中立行立改{n}个", "{n} of them fixed on the spot"),
    "rep_clues": ("移交问题线索{n}条", "transferred {n} clues"),
    "rep_disciplined": ("党纪政务处分{n}人", "led to disciplinary sanctions for {n} people"),
    "rep_org_handled": ("组织处理{n}人", "organisational handling of {n}"),
    "rep_judicial": ("移交司法机关{n}人", "transferred {n} people to the judiciary"),
    "rep_not_reported": ("（{n}次巡察未填报）", " ({n} inspections did not report it)"),
    "rep_funds": ("追回资金{n}万元", "recovered {n} yuan"),
    "rep_levels": ("市级巡察组开展巡察{m}次，平均发现问题和问题线索数、党纪政务处分人数，分别是同期县级巡察组的{r1}倍、{r2}倍。",
               "Municipal teams carried out {m} inspections; per inspection they found {r1} times the issues and "
               "clues and {r2} times the disciplinary sanctions of the county teams in the same period."),
    "rep_levels_few": ("{level}巡察仅{n}次，上述倍数仅供参考。", " The {level} averages rest on only {n} inspections: "
                       "the ratios are indicative only."),
    "rep_levels_one": ("市级巡察组开展巡察{m}次，平均发现问题和问题线索数是同期县级巡察组的{r1}倍。",
                   "Municipal teams carried out {m} inspections; per inspection they found {r1} times the issues "
                   "and clues of the county teams in the same period."),
    "rep_categories": ("问题清单列明的{listed}个问题中，{first}问题最多，{n1}个，占{s1}",
                   "Of the {listed} listed issues, {first} is the largest category with {n1} ({s1})"),
    "rep_categories_tied": ("问题清单列明的{listed}个问题中，{first}问题最多，各{n1}个，各占{s1}",
                            "Of the {listed} listed issues, {first} are the largest categories with {n1} each ({s1} each)"),
    "rep_categories_rest": ("；其次是{rest}。", "; then {rest}."),
    "rep_category_item": ("{category}（{n}个，占{share}）", "{category} ({n}, {share})"),
    "rep_categories_end": ("。", "."),
    "rep_rect_list": ("整改方面，问题清单所列问题整改完成率{rate}",
                      "Rectification: {rate} of the listed issues are rectified"),
    "rep_rect_reported": ("整改方面，按巡察报表的已整改数，问题整改完成率{rate}",
                      "Rectification: {rate} of the issues found are rectified (as the inspections report)"),
    "rep_one_month": ("一个月内整改完成率{rate}", "{rate} within one month"),
    "rep_overdue": ("超期未整改问题{n}个", "{n} overdue"),
    "rep_long_term": ("需长期整改问题{n}个", "{n} under long-term rectification"),
    "rep_undated": ("另有{n}个未整改问题未填整改时限，无法判断是否超期", "{n} more not rectified without a due date "
                    "(whether overdue cannot be told)"),
})


def place(params: dict, lang: str = "zh") -> str:
    """Where a drilled view looks: '沙澧区' (its townships), '沙澧区 › 某镇' (its units); '' at the
    district grain."""
    if params.get("grain", "district") == "district":
        return ""
    district, township = scope(params.get("districts"), params.get("townships"))
    return " › ".join(p for p in (district, township if params.get("grain") == "unit" else None) if p)


def grained(text: str, params: dict, lang: str = "zh") -> str:
    """`text`, a by-district label, said at the grain of `params` (Filters.params())."""
    words = GRAIN_WORDS.get(params.get("grain", "district"))
    if words is None:
        return text
    for old, new in words[1 if lang == "en" else 0]:
        text = text.replace(old, new)
    return text


def area_title(key: str, params: dict, lang: str = "zh", **values) -> str:
    """The title `key` at the grain of `params`, with its place: '各乡镇（街道）覆盖率 — 沙澧区'."""
    text = grained(t(key, lang, **values), params, lang)
    where = place(params, lang)
    return f"{text} — {where}" if where else text


def area_label(params: dict, lang: str = "zh") -> str:
    """The axis or column name of the areas: 县区, 乡镇（街道） or 对象."""
    return grained(t("district", lang), params, lang)


# values stored in English that the screen shows translated (the levels' labels, filters.LEVELS, live
# here only: the sidebar, the charts, the exports' file names and the command line read them)
VALUES: dict[str, tuple[str, str]] = {
    "municipal": ("市级", "Municipal"),
    "county": ("县级", "County"),
    "rectified": ("已整改", "Rectified"),
    "in_progress": ("整改中", "In progress"),
    "not_started": ("未整改", "Not started"),
    "long_term": ("长期整改", "Long-term"),
    # unit types (DATA_CONTRACT roster.unit_type)
    "村": ("村", "Village"),
    "社区": ("社区", "Community"),
    "基层站所": ("基层站所", "Grassroots station"),
    "两新组织": ("两新组织", "Non-public organisation"),
    "机关": ("机关", "Government body"),
    "国企": ("国企", "State-owned enterprise"),
    "学校": ("学校", "School"),
    "其他": ("其他", "Other"),
    # inspection modes (DATA_CONTRACT inspections.mode); a mode the contract does not know stays as written
    "常规": ("常规", "Regular"),
    "专项": ("专项", "Special"),
    "机动": ("机动", "Ad hoc"),
    "提级": ("提级", "Escalated"),
    "交叉": ("交叉", "Cross"),
    "点穴": ("点穴", "Targeted"),
    "巡乡带村": ("巡乡带村", "Township with villages"),
    "回头看": ("回头看", "Follow-up"),  # DOMAIN.md's follow-up inspection: not in the contract's list, kept as written
}
# the columns whose values are one of these vocabularies (shown translated in English)
VOCABULARY_COLUMNS = ("unit_type", "mode", "level", "status")

FILTER_NAMES = {
    "districts": "f_districts", "townships": "f_townships", "unit_types": "f_unit_types",
    "poverty_only": "f_poverty_only", "rounds": "f_rounds", "year_from": "f_years", "year_to": "f_years",
    "levels": "f_levels", "modes": "f_modes", "categories": "f_categories",
}


INSPECTION_FILTERS = ("rounds", "year_from", "year_to", "levels", "modes")


def subset_key(key: str, filters) -> str:
    """`key`, or its "_subset" wording (coverage by the selected inspections only) when `filters`
    narrow the inspections (Filters.narrows_inspections)."""
    return f"{key}_subset" if filters.narrows_inspections() else key


def subset_note(filters, lang: str = "zh") -> str | None:
    """What coverage means under a round, year, level or mode filter; None without one."""
    if not filters.narrows_inspections():
        return None
    active = {k: v for k, v in filters.active().items() if k in INSPECTION_FILTERS}
    return t("subset_note", lang, which=describe_filters(active, lang))


def issues_two_totals(head: dict, lang: str = "zh") -> str | None:
    """Which issue total is which and by how much they differ (headline_totals' issues_found,
    listed_issues, issues_found_minus_listed); None without an issue list or a reported total."""
    diff, found, listed = (head.get(k) for k in ("issues_found_minus_listed", "issues_found", "listed_issues"))
    if diff is None or diff != diff or found is None or found != found:
        return None
    diff = int(diff)
    said = (t("issues_diff_more", lang, n=f"{diff:,}") if diff > 0 else
            t("issues_diff_less", lang, n=f"{-diff:,}") if diff < 0 else t("issues_diff_none", lang))
    return t("issues_two_totals", lang, listed=f"{int(listed):,}", found=f"{int(found):,}", diff=said)


def t(key: str, lang: str = "zh", **values) -> str:
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1 if lang == "en" else 0]
    if not values:
        return text
    text = text.format(**values)
    return _singular(text) if lang == "en" else text


# English nouns after a count of one: '1 inspections' -> '1 inspection', '1 district(s)' -> '1 district'
_IRREGULAR = {"people": "person", "entries": "entry"}
_ONE = re.compile(r"(?<![\d.,])\b1 (people|entries|(?:district|unit|inspection|issue|clue|row|problem|mapping|kind|"
                  r"day|minute|township|village|round|import|file|sheet|column|user)s\b|(\w+)\(s\))")
_MANY = re.compile(r"\b(\w+)\(s\)")


def _singular(text: str) -> str:
    def one(m: re.Match) -> str:
        word = m.group(1)
        return "1 " + (_IRREGULAR.get(word) or m.group(2) or word[:-1])
    return _MANY.sub(r"\1s", _ONE.sub(one, text))


def value(raw: str, lang: str = "zh") -> str:
    pair = VALUES.get(raw)
    return raw if pair is None else pair[1 if lang == "en" else 0]


def join(items, lang: str = "zh") -> str:
    """A list of names in running text: '临颍县、召陵区' or '临颍县, 召陵区'."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


def describe_filters(active: dict, lang: str = "zh") -> str:
    """The active filters in one line, for captions ('县区：临颍县；层级：市级'; in English 'District: 临颍县; Level: ...')."""
    if not active:
        return t("filters_none", lang)
    parts, years = [], (active.get("year_from"), active.get("year_to"))
    for name, val in active.items():
        if name in ("year_from", "year_to"):
            continue
        if isinstance(val, bool):
            shown = ""
        elif isinstance(val, (list, tuple)):
            shown = ("、" if lang == "zh" else ", ").join(value(str(v), lang).split("/")[-1] for v in val)
        else:
            shown = str(val)
        label = t(FILTER_NAMES.get(name, name), lang)
        parts.append(f"{label}{'：' if lang == 'zh' else ': '}{shown}" if shown else label)  # 县区：临颍县
    if any(y is not None for y in years):
        parts.append(f"{t('f_years', lang)}{'：' if lang == 'zh' else ': '}{years[0] or ''}–{years[1] or ''}")
    return "；".join(parts) if lang == "zh" else "; ".join(parts)
