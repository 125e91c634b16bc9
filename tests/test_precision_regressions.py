"""False positives found by running ragfirst over real library sources (the bench corpus:
trl, peft, accelerate, openai, langchain, llama-index, datasets, sentence-transformers).
Each case is the shape of real code that must stay silent."""

from __future__ import annotations

from tests.conftest import ids, lint


def test_a_url_given_to_a_key_named_constant_is_not_a_key():
    # langchain_community/embeddings/naver.py
    code = '_DEFAULT_BASE_URL_ON_NEW_API_KEY = "https://clovastudio.stream.ntruss.com"\n'
    assert ids(lint(code)) == []


def test_an_environment_variable_name_is_not_a_key():
    # langchain_core/utils/_gateway.py
    code = '_LANGSMITH_GATEWAY_API_KEY_ENV = "LANGSMITH_API_KEY_FOR_GATEWAY"\n'
    assert ids(lint(code)) == []


def test_a_random_token_given_to_a_key_name_still_is():
    code = 'COHERE_API_KEY = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7d"\n'
    assert ids(lint(code)) == ["RF404"]
