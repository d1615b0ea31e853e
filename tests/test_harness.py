"""The test harness itself: both databases, the factories, the API token."""

from weibo_app.models import Role, ThreadState


def test_resident_asks_and_staff_answers_through_the_api(client, make, api_headers):
    dept = make.department()
    clerk = make.staff(dept)
    post = make.post(author=clerk)
    resident = make.user()

    resp = client.post(f"/api/v1/posts/{post.id}/threads", json={"body": "路灯坏了", "kind": "complaint"},
                       headers=api_headers(resident))
    assert resp.status_code == 201
    thread = resp.get_json()
    assert thread["state"] == ThreadState.AWAITING and thread["department"] == dept.slug

    resp = client.post(f"/api/v1/threads/{thread['id']}/replies", json={"body": "已安排维修"},
                       headers=api_headers(clerk))
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["state"] == "answered"
    assert body["replies"][0]["official"] is True
    assert body["first_response_at"] is not None


def test_factory_roles(make):
    dept = make.department()
    assert make.staff(dept, Role.REVIEWER).can_review
