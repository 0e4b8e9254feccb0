"""embed(w) placeholders and forward_changes: what the kernel renders and delivers."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest
from ipywidgets import DOMWidget, IntSlider, Layout
from markupsafe import Markup

from livewidget import LiveView
from livewidget.embedding import WidgetChange, embed, forward_changes
from livewidget.template import CompiledTemplate, environment
from livewidget.testing import LiveViewTest


def render(source: str, **assigns: Any) -> str:
    return environment().from_string(source).render(**assigns)


class Hostile(DOMWidget):
    """A widget whose model id is markup (ids come from the comm; never trust them)."""

    @property
    def model_id(self) -> str:  # type: ignore[override]
        return '"><script>alert(1)</script>'


# -- the placeholder -------------------------------------------------------------------------


def test_placeholder_names_the_model_id():
    slider = IntSlider()
    mid = slider.model_id
    assert render("{{ embed(s) }}", s=slider) == (
        f'<div id="lw-embed-{mid}" class="lw-embed" data-lw-embed="{mid}"></div>'
    )


def test_placeholder_takes_an_id_classes_and_attributes_escaped():
    slider = IntSlider()
    html = embed(slider, id="left", class_="chart", style='height: 9em" onclick="x', data_n=2)
    assert isinstance(html, Markup)
    assert html == Markup(
        f'<div id="left" class="lw-embed chart" data-lw-embed="{slider.model_id}" '
        'style="height: 9em&#34; onclick=&#34;x" data-n="2"></div>'
    )


def test_model_id_is_escaped():
    html = render("{{ embed(w) }}", w=Hostile())
    assert "<script>" not in html
    assert html == (
        '<div id="lw-embed-&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" class="lw-embed" '
        'data-lw-embed="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></div>'
    )


@pytest.mark.parametrize(
    ("value", "named"),
    [(5, "builtins.int 5"), ("slider", "builtins.str 'slider'"), ({}, "builtins.dict {}")],
)
def test_refuses_what_is_not_a_widget(value, named):
    with pytest.raises(TypeError) as caught:
        embed(value)
    message = str(caught.value)
    assert "expects a displayable ipywidgets widget" in message
    assert named in message
    assert "socket.assign(slider=IntSlider())" in message


def test_refuses_a_widget_without_a_view_of_its_own():
    with pytest.raises(TypeError, match=r"ipywidgets\.widgets\.widget_layout\.Layout"):
        embed(Layout())


def test_refuses_an_undefined_name_saying_to_assign_it():
    with pytest.raises(TypeError, match=r"undefined name \(is it assigned\?\)"):
        render("{{ embed(missing) }}")


def test_refuses_a_closed_widget():
    slider = IntSlider()
    slider.close()
    with pytest.raises(ValueError, match="closed widget"):
        embed(slider)


def test_refuses_to_be_given_its_own_attribute():
    with pytest.raises(TypeError, match="data-lw-embed"):
        embed(IntSlider(), data_lw_embed="other")


# -- in a view -------------------------------------------------------------------------------


class Tuner(LiveView):
    template = '{{ embed(slider) }}<p id="v">{{ value }}</p><p id="n">{{ n }}</p>'

    def mount(self, socket, session, params):
        slider = IntSlider(value=3)
        self.stop = forward_changes(slider, ["value", "max"], socket, tag="slider")
        socket.assign(slider=slider, value=slider.value, n=0, infos=[])

    def handle_event(self, event, params, socket):
        if event == "bump":
            socket.assign(n=socket.assigns.n + 1)
        elif event == "stop":
            self.stop()

    def handle_info(self, info, socket):
        socket.assign(infos=[*socket.assigns.infos, info])
        match info:
            case WidgetChange("slider", "value", new):
                socket.assign(value=new)


def test_a_template_calling_embed_stays_change_tracked():
    compiled = CompiledTemplate(environment(), Tuner.template)
    assert compiled.tracked, compiled.impurities


def test_rerenders_never_send_the_placeholder_again():
    with LiveViewTest(Tuner) as view:
        slider = view.assigns.slider
        assert view.find(".lw-embed")["data-lw-embed"] == slider.model_id
        first = json.dumps(view.messages[0])
        for _ in range(100):
            view.push_event("bump")
        assert view.find("#n").get_text() == "100"
        later = json.dumps(view.messages[1:])
        assert slider.model_id in first
        assert slider.model_id not in later


def test_trait_changes_reach_handle_info_in_order():
    with LiveViewTest(Tuner) as view:
        slider = view.assigns.slider
        slider.value = 7
        slider.max = 50
        slider.value = 8
        view.wait_until(lambda: view.find("#v").get_text() == "8")
        assert view.assigns.infos == [
            WidgetChange("slider", "value", 7, 3),
            WidgetChange("slider", "max", 50, 100),
            WidgetChange("slider", "value", 8, 7),
        ]
        assert view.assigns.infos[0].owner is slider


def test_stop_ends_the_forwarding():
    with LiveViewTest(Tuner) as view:
        slider = view.assigns.slider
        view.push_event("stop")
        slider.value = 9
        view.flush()
        assert view.assigns.infos == []
        assert view.find("#v").get_text() == "3"


def test_the_widget_does_not_keep_an_ended_view_alive():
    holder: dict[str, Any] = {}

    class Holder(Tuner):
        def mount(self, socket, session, params):
            super().mount(socket, session, params)
            holder["slider"] = socket.assigns.slider
            holder["socket"] = weakref.ref(socket)

    with LiveViewTest(Holder):
        pass
    gc.collect()
    slider = holder["slider"]
    assert holder["socket"]() is None
    assert len(slider._trait_notifiers["value"]["change"]) == 1
    slider.value = 10  # the first change after the view's end removes the observer
    assert slider._trait_notifiers["value"]["change"] == []
    assert slider._trait_notifiers["max"]["change"] == []


def test_forward_changes_refuses_unknown_traits_and_non_sockets():
    slider = IntSlider()
    with pytest.raises(ValueError, match=r"\['valu'\] are not traits"):
        forward_changes(slider, "valu", object(), tag="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects the view's socket"):
        forward_changes(slider, "value", object(), tag="s")  # type: ignore[arg-type]
