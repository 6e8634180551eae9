from conftest import login


def test_the_login_page_is_japanese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()
    assert "ログイン" in response.content.decode()


def test_home_shows_the_admin_section(client, users):
    login(client, users["admin"])
    response = client.get("/")
    assert response.status_code == 200
    assert "自治体の管理" in response.content.decode()
