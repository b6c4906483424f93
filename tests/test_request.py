"""The one request type: merging a message into the last request, saying it back, the prompt it renders."""

from __future__ import annotations

from pathlib import Path

from agent.prompt import PromptContext, Shown, prompt_context, render, system_messages
from tools.agent_tools import recommend, search_catalog
from tools.request import Request, describe, keep, merge, words

SNAPSHOT = Path(__file__).parent / "snapshots" / "session_prompt.txt"


def test_a_refinement_keeps_what_it_does_not_mention() -> None:
    before = Request(genres=["Comedy"], decades=[1990], exclude_genres=["Horror"], query="heist")
    older = merge(before, Request(like=["#2"], older_than="#2"))
    assert older.genres == ["Comedy"] and older.exclude_genres == ["Horror"] and older.query == "heist"
    assert older.decades == [] and older.older_than == "#2" and older.like == ["#2"]  # "older" leaves the 90s
    after = merge(older, Request())
    assert after.older_than is None and after.like == []  # comparatives are about one message


def test_groups_replace_each_other_and_exclusions_add_up() -> None:
    before = Request(year_min=1995, runtime_min=120, exclude_genres=["Horror"], genres=["Drama"])
    after = merge(before, Request(decades=[1980], runtime_max=90, exclude_genres=["Drama"]))
    assert after.decades == [1980] and after.year_min is None
    assert after.runtime_max == 90 and after.runtime_min is None
    assert after.exclude_genres == ["Horror", "Drama"] and after.genres == []  # excluded: no longer wanted
    assert merge(Request(decades=[1980, 1990]), Request(exclude_decades=[1980])).decades == [1990]


def test_new_genres_replace_old_ones_unless_also() -> None:
    assert merge(Request(genres=["Comedy"]), Request(genres=["Western"])).genres == ["Western"]
    both = merge(Request(genres=["Comedy"]), Request(genres=["Romance"]), also=True)
    assert both.all_genres == ["Comedy", "Romance"] and both.genres == []


def test_the_reply_says_back_what_was_understood() -> None:
    ask = Request(genres=["Horror"], decades=[1980], avoid="gory", runtime_max=90)
    assert describe(ask) == "Horror from the 1980s, at most 90 minutes, nothing gory"
    assert describe(Request(all_genres=["Comedy", "Romance"], older_than="#2", rating_min=7)) == (
        "Comedy and Romance, older than #2, IMDb rating at least 7"
    )
    assert describe(Request(year_min=1985, year_max=1995, exclude_decades=[1990])) == (
        "films from 1985 to 1995, nothing from the 1990s"
    )
    assert describe(Request()) == ""


def test_the_request_is_the_tools_argument_schema() -> None:
    for tool in (recommend, search_catalog):
        schema = tool.tool_call_schema.model_json_schema()["properties"]
        assert set(Request.model_fields) <= set(schema) and "runtime" not in schema


def test_the_system_prompt_is_rendered_from_the_typed_context() -> None:
    ctx = PromptContext(
        list_size=5,
        profile="Likes Comedy.",
        hard=["never Horror"],
        on_screen=[Shown(slot=1, title="Heat (1995)", item_id="6")],
        last_request=Request(genres=["Crime"], decades=[1990]),
        asked=["Drama", "Horror"],
    )
    assert render(ctx) == SNAPSHOT.read_text().rstrip("\n")
    messages = system_messages(ctx)
    assert prompt_context(messages) == ctx  # the offline model reads it as data
    # the instructions come first and are the same whatever the session: a prefix servers can cache
    assert (
        messages[0].content == system_messages(PromptContext())[0].content
        and "Profile:" not in messages[0].content
    )


def test_keep_puts_back_what_a_model_dropped_and_the_users_words_win_over_what_it_set() -> None:
    said = Request(genres=["Comedy"], exclude_genres=["Horror"], decades=[1990], runtime_max=100)
    # the model changed the genre and forgot the rest: the user's genre, exclusion, period and length
    out, restored, overruled = keep(Request(genres=["Drama"]), said)
    assert out.genres == ["Comedy"] and out.exclude_genres == ["Horror"] and out.decades == [1990]
    assert out.runtime_max == 100 and sorted(restored) == ["decades", "exclude_genres", "runtime_max"]
    assert overruled == ["genres"]
    # a group the user did not speak to stays the model's (it may read what the understanding missed)
    out, restored, overruled = keep(Request(rating_min=7.0, query="heist"), said)
    assert out.rating_min == 7.0 and out.query == "heist" and out.genres == ["Comedy"] and overruled == []
    # ... unless the understanding read the message confidently: then the filters are the user's alone
    out, restored, overruled = keep(Request(rating_min=7.0, mpaa=["PG"], exclude_genres=["War"]), said, True)
    assert out.rating_min is None and out.mpaa == [] and out.exclude_genres == ["Horror"]
    assert sorted(overruled) == ["exclude_genres", "mpaa", "rating_min"]
    # never an exclusion of what the user asks for (any spelling); what is excluded is not wanted
    out, _, overruled = keep(Request(exclude_genres=["comedy"]), Request(genres=["Comedy", "Drama"]))
    assert out.genres == ["Comedy", "Drama"] and out.exclude_genres == [] and overruled == ["exclude_genres"]
    out, _, _ = keep(Request(genres=["horror", "Drama"]), Request(exclude_genres=["Horror"]))
    assert out.exclude_genres == ["Horror"] and out.genres == ["Drama"]
    # under a confident reading the comparatives and references are the user's (a stale one goes)
    out, restored, overruled = keep(Request(older_than="#2", like=["#2"]), Request(like=["#3"]), True)
    assert out.older_than is None and out.like == ["#3"] and overruled == ["like", "older_than"]
    out, _, overruled = keep(Request(query="slow-burn heist"), Request(), True)  # words not said
    assert out.query == "" and overruled == ["query"] and keep(Request(query="x"), Request())[0].query == "x"
    out, restored, _ = keep(Request(), Request(lasting=True, exclude_genres=["Musical"]))
    assert out.lasting and out.exclude_genres == ["Musical"] and restored == ["exclude_genres", "lasting"]
    # comparatives the model left out come back; a standing preference needs the user's words
    out, restored, overruled = keep(Request(lasting=True, genres=["Comedy"]), Request(older_than="#2"))
    assert (
        out.older_than == "#2" and not out.lasting and restored == ["older_than"] and overruled == ["lasting"]
    )
    assert keep(said, said) == (said, [], [])
    assert keep(said, said, True) == (said, [], [])


def test_a_comparative_never_loosens_a_bound_the_request_holds(tmp_path: Path) -> None:
    """ "longer than #1" after "over two hours": still over two hours (a cold-start simulation showed
    110-minute films after the bound was replaced by #1's 105 minutes + 1)."""
    from agent_fixtures import tiny_agent  # noqa: PLC0415

    from agent.context import TurnContext  # noqa: PLC0415
    from tools.agent_tools import resolved  # noqa: PLC0415

    agent = tiny_agent(tmp_path / "s.sqlite")
    session = agent.new_session()
    catalog = agent.resources.catalog
    short, long = (catalog.index_of(i) for i in ("0", "9"))  # 80 and 143 minutes
    assert catalog[short].attributes["runtime"] == 80 and catalog[long].attributes["runtime"] == 143
    session.data.state.show([short, long])
    view = TurnContext(agent.resources, session.data, 1)
    held = resolved(view, Request(runtime_min=120, longer_than="#1"))
    assert isinstance(held, Request) and held.runtime_min == 120 and held.longer_than is None
    tighter = resolved(view, Request(runtime_min=120, longer_than="#2"))
    assert isinstance(tighter, Request) and tighter.runtime_min == 144
    capped = resolved(view, Request(runtime_max=100, shorter_than="#2"))
    assert isinstance(capped, Request) and capped.runtime_max == 100
    assert resolved(view, Request(older_than="#2")).year_max == catalog[long].year - 1  # type: ignore[union-attr]


def test_soft_wishes_last_until_replaced_or_excluded() -> None:
    funnier = Request(prefer=["Comedy"], genres=["Drama"])
    assert merge(funnier, Request(decades=[1990])).prefer == ["Comedy"]  # kept
    assert merge(funnier, Request(prefer=["Horror"])).prefer == ["Horror"]  # replaced
    assert merge(funnier, Request(exclude_genres=["Comedy"])).prefer == []  # struck by an exclusion
    assert "Comedy" in words(funnier) and "Comedy" not in words(funnier.model_copy(update={"prefer": []}))
