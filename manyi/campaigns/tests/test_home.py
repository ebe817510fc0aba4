import pytest


@pytest.mark.django_db
def test_home_shows_the_campaign_phases_and_categories(client, campaign, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "2018年度用户满意服务评选" in content
    assert "2018年5月15日" in content
    assert "用户满意服务先进个人" in content
    assert "优质服务成果" in content
    assert "本评选不向参评单位和个人收取任何费用。" in content


@pytest.mark.django_db
def test_home_without_a_campaign(client):
    response = client.get("/")
    assert "尚未开放评选活动。" in response.content.decode()
