"""The people pages, as the QA lead and the administrator use them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseaudit.accounts.models import User

from .helpers import HEADER, TEAM


def test_the_list_shows_each_account_and_filters_by_role_and_active(client, personas):
    client.force_login(personas.administrator)
    User.objects.filter(username="outsider").update(is_active=False)
    page = client.get(reverse("people:list")).text
    assert "Will Worker" in page and "North Children and Families" in page and "Deactivated" in page
    workers = client.get(reverse("people:list"), {"role": "social-worker", "active": "yes"}).text
    assert ">worker<" in workers and ">outsider<" not in workers and ">moderator<" not in workers


def test_the_header_links_to_accounts_for_those_who_manage_them_only(client, personas):
    client.force_login(personas.administrator)
    assert 'href="/people/"' in client.get("/").text
    client.force_login(personas.senior_leader)
    assert 'href="/people/"' not in client.get("/").text


def test_adding_keeps_what_was_typed_on_error_then_adds(client, personas):
    client.force_login(personas.qa_lead)
    typed = {
        "username": "nia",
        "name": "Nia Newcomer",
        "email": "nia@",
        "role": "social-worker",
        "team": "East",
    }
    page = client.post(reverse("people:add"), typed)
    assert page.status_code == 200 and "There is a problem" in page.text
    assert 'value="Nia Newcomer"' in page.text and 'value="East"' in page.text
    assert not User.objects.filter(username="nia").exists()
    done = client.post(reverse("people:add"), {**typed, "email": "nia@example.test"}, follow=True)
    nia = User.objects.get(username="nia")
    assert done.redirect_chain[-1][0] == reverse("people:detail", args=[nia.pk])
    assert "A link to choose a password is on its way to nia@example.test" in done.text


def test_a_change_made_on_a_page_someone_has_since_changed_is_refused_keeping_the_input(client, personas):
    worker = personas.worker
    client.force_login(personas.administrator)
    form = {"username": "worker", "name": "Will Worker", "role": "social-worker", "staff": "Will Worker"}
    version = worker.version
    client.post(
        reverse("people:change", args=[worker.pk]), {**form, "version": version, "email": "a@example.test"}
    )
    late = client.post(
        reverse("people:change", args=[worker.pk]), {**form, "version": version, "email": "b@example.test"}
    )
    assert late.status_code == 409 and "changed by someone else" in late.text
    assert 'value="b@example.test"' in late.text
    assert User.objects.get(pk=worker.pk).email == "a@example.test"


def test_deactivating_asks_first_then_switches_the_account_off(client, personas):
    worker = personas.worker
    client.force_login(personas.administrator)
    url = reverse("people:deactivate", args=[worker.pk])
    assert "Are you sure you want to deactivate this account?" in client.get(url).text
    page = client.post(url, {"version": worker.version}, follow=True)
    assert "worker is deactivated" in page.text and not User.objects.get(pk=worker.pk).is_active
    back = client.post(
        reverse("people:reactivate", args=[worker.pk]), {"version": worker.version + 1}, follow=True
    )
    assert "active again" in back.text and User.objects.get(pk=worker.pk).is_active


def test_a_link_is_sent_again_from_the_account_page(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    worker = personas.worker
    User.objects.filter(pk=worker.pk).update(email="will@example.test")
    client.force_login(personas.qa_lead)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("people:send-link", args=[worker.pk]), {"version": worker.version}, follow=True
        )
    assert "on its way to will@example.test" in page.text
    assert "/set-password/" in mailoutbox[0].body


def _upload(rows: list[str], name: str = "team.csv", **options: str) -> dict:
    return {"accounts_file": SimpleUploadedFile(name, (HEADER + "\n".join(rows) + "\n").encode()), **options}


def test_an_upload_is_previewed_then_imported_on_confirming(client, personas):
    client.force_login(personas.administrator)
    preview = client.post(reverse("people:import"), _upload(list(TEAM)))
    assert "Check the import before you confirm it" in preview.text and "To add (3)" in preview.text
    assert not User.objects.filter(username="nia").exists()
    done = client.post(reverse("people:import-confirm"))
    assert "Accounts imported" in done.text and "3 added" in done.text
    assert User.objects.filter(username__in=["nia", "ede", "aud"]).count() == 3
    # Confirming twice imports nothing more.
    assert client.post(reverse("people:import-confirm")).status_code == 400


def test_a_file_with_a_bad_row_imports_nothing_and_lists_the_row_and_column(client, personas):
    client.force_login(personas.administrator)
    page = client.post(reverse("people:import"), _upload([TEAM[0], "x,X,,Director,,,"]))
    assert "This file cannot be imported as it is" in page.text
    assert "No such role" in page.text and '<td class="govuk-table__cell">3</td>' in page.text
    assert "Confirm and import" not in page.text
    assert client.post(reverse("people:import-confirm")).status_code == 400
    assert not User.objects.filter(username="nia").exists()


def test_an_account_changed_between_preview_and_confirm_stops_the_import(client, personas):
    client.force_login(personas.administrator)
    client.post(reverse("people:import"), _upload(list(TEAM)))
    client.post(reverse("people:add"), {"username": "nia", "name": "Someone Else", "role": "moderator"})
    page = client.post(reverse("people:import-confirm"))
    assert "The accounts changed after you checked the file" in page.text
    assert not User.objects.filter(username="ede").exists()


def test_the_administrator_unlocks_a_locked_out_person_and_resets_a_lost_authenticator(client, personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from caseaudit.accounts.models import ChangeEvent
    from caseaudit.signin.lockout import is_locked

    worker = personas.worker
    for attempt in range(5):
        client.post(reverse("login"), {"username": worker.username, "password": f"wrong-{attempt}"})
    assert is_locked(worker.username, None)
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)

    client.force_login(personas.administrator)
    page = client.get(reverse("people:detail", args=[worker.pk])).text
    assert "Locked out" in page and "An authenticator app is set up." in page
    unlocked = client.post(reverse("people:unlock", args=[worker.pk]), follow=True)
    assert f"{worker.username} can sign in again now." in unlocked.text
    assert not is_locked(worker.username, None)

    confirm = client.get(reverse("people:reset-authenticator", args=[worker.pk]))
    assert (
        "Reset their authenticator app?" in confirm.text and TOTPDevice.objects.filter(user=worker).exists()
    )
    done = client.post(reverse("people:reset-authenticator", args=[worker.pk]), follow=True)
    assert "authenticator app and recovery codes are removed" in done.text
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert ChangeEvent.objects.get(event="user.authenticator-reset").actor == personas.administrator
