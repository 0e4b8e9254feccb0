"""An image upload in Chromium, in a real Voilà page (drag and drop) and a real JupyterLab
(the file dialog, through Playwright's set_input_files).

The page chooses a generated 1.5 MB file; the entry shows with a preview (an object URL of the
chosen file: no bytes went to the kernel for it), the form's submission sends the bytes in
binary chunks, the progress bar climbs to 100, and the view's consume_uploaded_entries sees
exactly those bytes (its sha256 is rendered and compared with the file's).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from _jupyter import JupyterLab
from playwright.sync_api import Page, expect

SIZE = 1_500_000

APP = r'''
import hashlib
from livewidget import LiveView, LiveWidget

class Photos(LiveView):
    template = """
<form id="f" phx-change="validate" phx-submit="save">
  {{ live_file_input(uploads.photo) }}
  <div id="zone" phx-drop-target="{{ uploads.photo.ref }}">drop an image here</div>
  {% for entry in uploads.photo.entries %}
  <div class="entry"><span class="name">{{ entry.client_name }}</span>
    <progress class="up" value="{{ entry.progress }}" max="100"></progress>
    {% for err in entry.errors %}<span class="error">{{ err }}</span>{% endfor %}
    {{ live_img_preview(entry, class_="preview", width=40) }}</div>
  {% endfor %}
  <button id="save" type="submit">Upload</button>
</form>
<p id="saved">{% for s in saved %}{{ s }} {% endfor %}</p>
"""

    def mount(self, socket, session, params):
        socket.assign(saved=[])
        socket.allow_upload("photo", accept=[".png", "image/*"], max_file_size=4_000_000)

    def handle_event(self, event, params, socket):
        if event == "save":
            def digest(path, entry):
                with open(path, "rb") as f:
                    sha = hashlib.sha256(f.read()).hexdigest()
                return f"{entry.client_name}:{entry.client_size}:{sha}"
            socket.assign(saved=socket.consume_uploaded_entries("photo", digest))

LiveWidget(Photos)
'''

# The same bytes in the page (JavaScript) and here.
MAKE_BYTES_JS = f"""() => {{
  const bytes = new Uint8Array({SIZE});
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 256;
  return bytes;
}}"""
EXPECTED = (
    f"cat.png:{SIZE}:" + hashlib.sha256(bytes((i * 31 + 7) % 256 for i in range(SIZE))).hexdigest()
)

# Every value the progress bar shows, recorded as the page patches it.
WATCH_PROGRESS_JS = """() => {
  window.__progress = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll(".lw-root progress.up")) {
      window.__progress.push(Number(bar.getAttribute("value")));
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""

DROP_JS = f"""() => {{
  const bytes = ({MAKE_BYTES_JS})();
  const data = new DataTransfer();
  data.items.add(new File([bytes], "cat.png", {{ type: "image/png" }}));
  const zone = document.querySelector(".lw-root #zone");
  const init = {{ bubbles: true, cancelable: true, dataTransfer: data }};
  zone.dispatchEvent(new DragEvent("dragover", init));
  zone.dispatchEvent(new DragEvent("drop", init));
}}"""


def upload_and_check(page: Page) -> None:
    """Save, then: a climbing progress bar that reaches 100, and the kernel's digest."""
    root = page.locator(".lw-root")  # the live view (Lab also keeps a static snapshot)
    expect(root.locator(".entry .name")).to_have_text("cat.png")
    expect(root.locator(".entry .error")).to_have_count(0)
    preview = root.locator("img.preview")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    root.locator("#save").click()
    expect(root.locator("#saved")).to_have_text(EXPECTED, timeout=60_000)
    seen: list[int] = page.evaluate("window.__progress")
    assert 100 in seen, seen
    assert any(0 < value < 100 for value in seen), f"no progress in between: {seen}"
    assert seen == sorted(seen), seen
    expect(root.locator(".entry")).to_have_count(0)  # consumed


def test_drag_and_drop_upload_in_voila(
    voila: Callable[..., str], page: Page, make_notebook: Callable[..., Path]
) -> None:
    page.goto(voila(make_notebook([APP])))
    expect(page.locator(".lw-root #zone")).to_be_visible(timeout=60_000)
    page.evaluate(WATCH_PROGRESS_JS)
    page.evaluate(DROP_JS)
    upload_and_check(page)


def test_file_dialog_upload_in_jupyterlab(
    jupyter_lab: JupyterLab, page: Page, make_notebook: Callable[..., Path]
) -> None:
    jupyter_lab.open_notebook(page, make_notebook([APP]), name="uploads.ipynb")
    expect(page.locator(".lw-root #zone")).to_be_visible(timeout=60_000)
    page.evaluate(WATCH_PROGRESS_JS)
    data = bytes((i * 31 + 7) % 256 for i in range(SIZE))
    page.locator(".lw-root input[type=file]").set_input_files(
        {"name": "cat.png", "mimeType": "image/png", "buffer": data}
    )
    upload_and_check(page)
