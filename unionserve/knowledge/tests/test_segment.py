"""The word segmenter's start-up."""


def test_warm_up_loads_the_tokenizer_once():
    """The WSGI entry point warms the segmenter so an agent's first suggestion is not the slow one."""
    from unionserve.knowledge import segment

    segment.warm_up()
    loaded = segment._tokenizer
    assert loaded is not None
    segment.warm_up()
    assert segment._tokenizer is loaded
