"""The claim checker: years, titles outside the catalog or the turn, titles told from ordinary words."""

from __future__ import annotations

from agent_fixtures import tiny_resources

from agent.claims import check_claims


def test_the_claim_checker_catches_a_wrong_year() -> None:
    vocab = tiny_resources().vocabulary
    good = "#1 Picture Number 3 (1953): Horror, Western"
    text, dropped = check_claims(
        f"{good}\nPicture Number 4 (1960) is great.\nInception (2010) too.", vocab, allowed={3, 4}
    )
    assert text == good
    assert dropped == ["Picture Number 4 is from 1954, not 1960", "Inception (2010) is not in the catalog"]
    _, outside = check_claims("Picture Number 5 is lovely.", vocab, allowed={3})
    assert outside == ["Picture Number 5 was not shown or returned by a tool"]
    # a small model's list: numbered, the title quoted or in bold before its year (as Qwen 1.5B wrote them)
    listed = '1. "Picture Number 4" (1954)\n2. **Picture Number 4** (1960)\n3. "Inception" (2010)'
    _, problems = check_claims(listed, vocab, allowed={3})
    assert problems == [
        "Picture Number 4 was not shown or returned by a tool",
        "Picture Number 4 is from 1954, not 1960",
        "Inception (2010) is not in the catalog",
    ]


def test_the_claim_checker_reads_titles_not_words() -> None:
    from agent.vocabulary import Vocabulary
    from recmodels.catalog import Catalog, Item

    vocab = Vocabulary(Catalog([Item("1", "It", 2017, ("Horror",)), Item("2", "Cape Fear", 1962, ("Thriller",)),
                                Item("3", "Cape Fear", 1991, ("Thriller",))]))  # fmt: skip
    text = "It is a fine pick.\n#1 Cape Fear (1991): Thriller"
    assert check_claims(text, vocab, allowed={2}) == (text, [])  # a word, and the shown remake
    assert check_claims('Watch "It" tonight.', vocab, allowed={2})[1] == [
        "It was not shown or returned by a tool"
    ]
