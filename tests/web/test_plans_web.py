"""Plan pages and API: import a seed, review a task's source, correct units, report progress as an officer."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from support import REPO, make_user, principal
from websupport import Site, csrf_of, write_headers
from xinxiao.core import Role
from xinxiao.db import transaction
from xinxiao.plans import Plan
from xinxiao.reference import find_unit

SEED000 = REPO / "tests" / "data" / "plans" / "seed000_diqing.txt"


def _import(site: Site) -> tuple[int, str]:
    client = site.client("diqing")
    token = csrf_of(client.get("/plans").text)
    with SEED000.open("rb") as handle:
        response = client.post(
            "/plans/import", data={"csrf": token, "region": ""}, files={"file": ("迪庆方案.txt", handle, "text/plain")}
        )
    assert response.status_code == 200, response.text
    plan_id = re.search(r"/plans/(\d+)$", str(response.url))
    assert plan_id
    return int(plan_id[1]), response.text


def test_import_through_the_page_and_review_a_task(site: Site) -> None:
    plan_id, page = _import(site)
    assert "迪庆州培育发展新型消费释放消费潜力" in page and "州文化和旅游局" in page
    assert "136.54" in page
    client = site.client("diqing")
    task_link = re.search(r'href="/plans/tasks/(\d+)">丰富文旅消费新业态新产品', page)
    assert task_link
    task_page = client.get(f"/plans/tasks/{task_link[1]}")
    assert "<mark>1.丰富文旅消费新业态新产品" in task_page.text
    token = csrf_of(task_page.text)
    client.post(
        f"/plans/tasks/{task_link[1]}/units", data={"csrf": token, "lead": "州商务局", "co": "州财政局、州文化和旅游局"}
    )
    assert 'value="州商务局"' in client.get(f"/plans/tasks/{task_link[1]}").text
    assert site.client("hubei_admin").get(f"/plans/{plan_id}", headers={"accept": "text/html"}).status_code == 404


def test_an_officer_reports_progress_on_own_unit_tasks_only(site: Site) -> None:
    plan_id, _ = _import(site)
    with transaction(site.runtime.sessions) as session:
        officer = make_user(
            session,
            "commerce",
            "533400",
            Role.officer,
            unit_id=find_unit(session, name="州商务局", region_adcode="533400").id,
        )
        assert officer.unit_id
    client = site.client("commerce")
    mine = client.get("/plans/my").text
    task_ids = re.findall(r'href="/plans/tasks/(\d+)"', mine)
    assert task_ids, "州商务局 leads several tasks of seed 000"
    page = client.get(f"/plans/tasks/{task_ids[0]}").text
    assert 'id="progress-form"' in page
    response = client.post(
        f"/plans/tasks/{task_ids[0]}/progress",
        data={
            "csrf": csrf_of(page),
            "reported_on": "2022-09-30",
            "status": "in_progress",
            "percent_done": "35",
            "text": "已印发实施细则",
        },
    )
    assert response.status_code == 200 and "已印发实施细则" in response.text
    plan = site.client("diqing").get(f"/api/v1/plans/{plan_id}").json()
    other = next(t for t in plan["tasks"] if all(u["name"] != "州商务局" for u in t["units"]))
    body = {"text": "x", "percent_done": 5, "status": "in_progress", "reported_on": "2022-09-30"}
    refused = client.post(f"/api/v1/plans/tasks/{other['id']}/progress", json=body, headers=write_headers(client))
    assert refused.status_code == 403


def test_parse_api_returns_the_documented_json(site: Site) -> None:
    client = site.client("diqing")
    with SEED000.open("rb") as handle:
        response = client.post(
            "/api/v1/plans/parse", files={"file": ("a.txt", handle, "text/plain")}, headers=write_headers(client)
        )
    assert response.status_code == 200
    data = response.json()
    assert len([t for t in data["tasks"] if t["id"].startswith("二.")]) == 20
    assert data["tasks"][0]["lead_units"] == ["州文化和旅游局"]
    with site.runtime.sessions() as session:
        assert session.scalars(select(Plan)).first() is None


def test_division_table_round_trip_and_supervision_notice(site: Site) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook

    plan_id, _ = _import(site)
    client = site.client("diqing")
    table = client.get(f"/api/v1/plans/{plan_id}/division.xlsx")
    assert table.status_code == 200
    workbook = load_workbook(io.BytesIO(table.content))
    sheet = workbook.worksheets[0]
    header_row = next(r for r in range(1, 6) if sheet.cell(r, 1).value == "序号")
    columns = {sheet.cell(header_row, c).value: c for c in range(1, sheet.max_column + 1)}
    first = header_row + 1
    assert sheet.cell(first, columns["牵头单位"]).value == "州文化和旅游局"
    sheet.cell(first, columns["牵头单位"]).value = "州商务局"
    sheet.cell(first, columns["状态"]).value = "推进中"
    edited = io.BytesIO()
    workbook.save(edited)
    result = client.post(
        f"/api/v1/plans/{plan_id}/division",
        headers=write_headers(client),
        files={"file": ("分工表.xlsx", edited.getvalue(), "application/octet-stream")},
    ).json()
    assert result["errors"] == [] and result["changed"] == ["二.(一).1"]
    plan = client.get(f"/api/v1/plans/{plan_id}").json()
    task = plan["tasks"][0]
    assert task["status"] == "in_progress"
    assert [u["name"] for u in task["units"] if u["role"] == "lead"] == ["州商务局"]
    notice = client.get(f"/api/v1/plans/{plan_id}/notice.docx")
    assert notice.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(notice.content)).paragraphs)
    assert "督办通报" in text and "州商务局" in text


def test_lights_show_on_the_plan_page(site: Site) -> None:
    _, page = _import(site)
    lights = re.findall(r'data-light="(green|yellow|red)"', page)
    assert len(lights) >= 20
    assert set(lights) == {"red"}, "the plan period ended in 2024, so every open task is overdue now"


def test_enter_an_actual_and_see_the_attainment(site: Site) -> None:
    _, page = _import(site)
    assert "网络零售额" in page and 'class="hint consistency"' in page  # the 1.82亿元 level vs 10% growth check
    client = site.client("diqing")
    target = re.search(r'href="/plans/targets/(\d+)">文化和旅游总收入', page)
    assert target
    form = client.get(f"/plans/targets/{target[1]}").text
    assert 'id="attain-chart"' in form
    token = csrf_of(form)
    for year, value in ((2021, "100"), (2022, "104")):
        client.post(
            f"/plans/targets/{target[1]}/actuals",
            data={"csrf": token, "year": year, "value": value, "source": "州统计局统计公报"},
        )
    shown = client.get(f"/plans/targets/{target[1]}").text
    assert 'id="attain-status">滞后' in shown
    assert site.client("deqin").get(f"/plans/targets/{target[1]}", headers={"accept": "text/html"}).status_code == 404


def test_progress_reports_carry_evidence_files_readable_only_in_scope(site: Site) -> None:
    _, page = _import(site)
    client = site.client("diqing")
    task = re.search(r'href="/plans/tasks/(\d+)">丰富文旅消费新业态新产品', page)
    assert task
    form = client.get(f"/plans/tasks/{task[1]}").text
    data = {
        "csrf": csrf_of(form),
        "reported_on": "2023-03-31",
        "status": "in_progress",
        "percent_done": "20",
        "text": "示范基地申报材料已报送",
    }
    files = [
        ("files", ("验收材料.pdf", b"%PDF-1.4 evidence", "application/pdf")),
        ("files", ("现场照片.jpg", b"\xff\xd8\xff photo", "image/jpeg")),
    ]
    shown = client.post(f"/plans/tasks/{task[1]}/progress", data=data, files=files)
    assert shown.status_code == 200
    links = re.findall(r'href="/plans/evidence/(\d+)"', shown.text)
    assert len(links) == 2 and "验收材料.pdf" in shown.text
    download = client.get(f"/plans/evidence/{links[0]}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 evidence"
    outsider = site.client("deqin").get(f"/plans/evidence/{links[0]}", headers={"accept": "text/html"})
    assert outsider.status_code == 404
    refused = client.post(
        f"/plans/tasks/{task[1]}/progress",
        data=data | {"csrf": csrf_of(client.get(f"/plans/tasks/{task[1]}").text)},
        files=[("files", ("病毒.exe", b"MZ", "application/octet-stream"))],
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 422 and "不支持的附件类型" in refused.text


def test_a_reviewer_corrects_a_target_through_the_page(site: Site) -> None:
    _, page = _import(site)
    client = site.client("diqing")
    target = re.search(r'href="/plans/targets/(\d+)">限额以上单位', page)
    assert target
    form = client.get(f"/plans/targets/{target[1]}").text
    shown = client.post(
        f"/plans/targets/{target[1]}/fields",
        data={
            "csrf": csrf_of(form),
            "metric": "新增限额以上单位",
            "value": "12",
            "unit": "家",
            "deadline": "2024",
            "base_year": "2021",
            "indicator_id": "above_quota_new",
        },
    )
    assert shown.status_code == 200
    assert 'value="above_quota_new"' in shown.text and "<h1>新增限额以上单位</h1>" in shown.text


def test_a_form_feeds_a_target_through_the_page(site: Site) -> None:
    from xinxiao.core import frozen_clock
    from xinxiao.plans import forms

    plan_id, _ = _import(site)
    with transaction(site.runtime.sessions) as session:
        actor = principal("533400")
        form = forms.define_form(
            session,
            actor=actor,
            spec={
                "code": "quota-monthly",
                "name": "新增限额以上单位月报",
                "period": "monthly",
                "due_day": 10,
                "starts": "2024-01",
                "region_adcode": "533400",
                "plan_id": plan_id,
                "fields": [
                    {
                        "key": "n",
                        "label": "新增单位",
                        "type": "int",
                        "min": 0,
                        "unit": "家",
                        "target_metric": "限额以上单位",
                    }
                ],
            },
        )
        unit = find_unit(session, name="州商务局", region_adcode="533400").id
        assignment = forms.assign(session, actor=actor, form_id=form.id, unit_ids=[unit])[0]
        with frozen_clock(datetime(2025, 1, 5, tzinfo=UTC)):
            for period, count in (("2024-02", 6), ("2024-09", 7)):
                forms.submit(session, actor=actor, assignment_id=assignment.id, period=period, values={"n": count})
        form_id = form.id
    client = site.client("diqing")
    page = client.get(f"/forms/{form_id}").text
    assert 'id="feed-form"' in page
    client.post(f"/forms/{form_id}/feed", data={"csrf": csrf_of(page), "year": "2024"})
    plan = client.get(f"/plans/{plan_id}").text
    assert re.search(r"限额以上单位</a>.*?13 \(2024\)", plan, re.S)


def test_the_plan_overview_charts_assessed_targets(site: Site) -> None:
    plan_id, page = _import(site)
    assert 'id="plan-attainment"' not in page  # nothing can be assessed before any actual is entered
    client = site.client("diqing")
    target = re.search(r'href="/plans/targets/(\d+)">文化和旅游总收入', page)
    assert target
    token = csrf_of(client.get(f"/plans/targets/{target[1]}").text)
    for year, value in ((2021, "100"), (2022, "110")):
        client.post(
            f"/plans/targets/{target[1]}/actuals",
            data={"csrf": token, "year": year, "value": value, "source": "州统计局"},
        )
    overview = client.get(f"/plans/{plan_id}").text
    assert 'id="plan-attainment"' in overview and "文化和旅游总收入" in overview
