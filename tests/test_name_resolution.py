"""The Python analyzer's facts: every spelling of an SDK call resolves to one qualified
name, look-alikes do not, and positions and literal arguments are exact.

Snippets start right after the opening quotes (`\"\"\"\\`), so the first code line is
line 1 and the line numbers in the assertions can be read off the snippet.
"""

from __future__ import annotations

import textwrap

from ragfirst.analyzers.facts import UNKNOWN, CallFact, FileFacts
from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.model import Span
from ragfirst.source import SourceText

CREATE = "openai.OpenAI().fine_tuning.jobs.create"
ASYNC_CREATE = "openai.AsyncOpenAI().fine_tuning.jobs.create"


def facts(code: str) -> FileFacts:
    return analyze_python(SourceText(textwrap.dedent(code)), "x.py")


def lines(code: str, qualname: str) -> list[int]:
    """The lines of every call that resolved to `qualname`."""
    return [c.span.start_line for c in facts(code).calls if c.qualname == qualname]


def by_tail(code: str, tail: str) -> list[CallFact]:
    """Calls by their source text (resolved or not), to look at what they resolved to."""
    return [c for c in facts(code).calls if c.tail == tail]


def only_call(code: str, tail: str) -> CallFact:
    found = by_tail(code, tail)
    assert len(found) == 1, [(c.tail, c.qualname) for c in facts(code).calls]
    return found[0]


# -- imports -----------------------------------------------------------------------------


def test_import_module_resolves_constructor_chain():
    code = """\
        import openai

        openai.OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [3]
    assert lines(code, "openai.OpenAI") == [3]


def test_import_module_alias_resolves():
    code = """\
        import openai as oa

        client = oa.OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_from_import_alias_resolves():
    code = """\
        from openai import OpenAI as O

        client = O()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]
    assert lines(code, "openai.OpenAI") == [3]


def test_from_import_of_async_client_alias():
    code = """\
        from openai import AsyncOpenAI as Client

        Client().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, ASYNC_CREATE) == [3]


def test_module_level_client_of_openai_module():
    code = """\
        import openai

        openai.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    assert lines(code, "openai.fine_tuning.jobs.create") == [3]


def test_dotted_import_with_alias_binds_the_full_module():
    code = """\
        import google.generativeai as genai

        genai.create_tuned_model(source_model="models/gemini-1.5-flash-001-tuning")
        """
    assert lines(code, "google.generativeai.create_tuned_model") == [3]


def test_dotted_import_without_alias_binds_the_root_name():
    code = """\
        import vertexai.tuning.sft

        vertexai.tuning.sft.train(source_model="gemini-2.0-flash-001", train_dataset="gs://b/t.jsonl")
        """
    assert lines(code, "vertexai.tuning.sft.train") == [3]


def test_from_package_import_submodule():
    code = """\
        from google import genai

        client = genai.Client(vertexai=True)
        client.tunings.tune(base_model="gemini-2.5-flash")
        """
    assert lines(code, "google.genai.Client().tunings.tune") == [4]


def test_import_records_import_facts():
    code = """\
        import openai as oa
        from trl import SFTTrainer
        """
    found = [(i.module, i.span.start_line) for i in facts(code).imports]
    # A from-import also records `module.name`: the name may be a submodule (torchtune.training).
    assert found == [("openai", 1), ("trl", 2), ("trl.SFTTrainer", 2)]


# -- clients held in variables -------------------------------------------------------------


def test_client_variable_in_same_scope():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_client_variable_in_same_function_scope():
    code = """\
        from openai import OpenAI

        def train():
            client = OpenAI()
            client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


def test_module_client_used_inside_function():
    code = """\
        from openai import OpenAI

        client = OpenAI()

        def train():
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]


def test_module_client_assigned_after_the_function_that_uses_it():
    code = """\
        from openai import OpenAI

        def train():
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")

        client = OpenAI()
        train()
        """
    assert lines(code, CREATE) == [4]


def test_module_client_used_in_nested_function():
    code = """\
        from openai import OpenAI

        client = OpenAI()

        def outer():
            def inner():
                return client.fine_tuning.jobs.create(model="gpt-4o-mini")
            return inner()
        """
    assert lines(code, CREATE) == [7]


def test_enclosing_function_client_used_in_closure():
    code = """\
        from openai import AsyncOpenAI

        def outer():
            client = AsyncOpenAI()

            async def inner():
                return await client.fine_tuning.jobs.create(model="gpt-4o-mini")

            return inner
        """
    assert lines(code, ASYNC_CREATE) == [7]


def test_resource_stored_in_variable_then_called():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        jobs = client.fine_tuning.jobs
        jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


def test_bound_method_stored_in_variable_then_called():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        create = client.fine_tuning.jobs.create
        create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


# -- self.client ------------------------------------------------------------------------------


def test_self_client_set_in_init_used_in_other_method():
    code = """\
        from openai import AsyncOpenAI

        class Tuner:
            def __init__(self):
                self.client = AsyncOpenAI()

            async def start(self, file_id):
                return await self.client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    assert lines(code, ASYNC_CREATE) == [8]


def test_self_client_used_in_method_defined_before_init():
    code = """\
        from openai import AsyncOpenAI

        class Tuner:
            async def start(self, file_id):
                return await self.client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)

            def __init__(self):
                self.client = AsyncOpenAI()
        """
    assert lines(code, ASYNC_CREATE) == [5]


def test_self_client_used_through_subclass_method():
    code = """\
        from openai import OpenAI

        class Base:
            def __init__(self):
                self.client = OpenAI()

        class Tuner(Base):
            def start(self):
                return self.client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [9]


def test_self_client_on_instance_outside_the_class():
    code = """\
        from openai import OpenAI

        class Holder:
            def __init__(self):
                self.client = OpenAI()

        holder = Holder()
        holder.client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [8]


def test_client_held_as_class_attribute():
    code = """\
        from openai import OpenAI

        class Config:
            client = OpenAI()

        Config.client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]


def test_self_attribute_of_one_class_does_not_leak_into_another():
    code = """\
        from openai import OpenAI

        class Tuner:
            def __init__(self):
                self.client = OpenAI()

        class Ops:
            def run(self):
                return self.client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []


def test_method_scope_is_recorded():
    code = """\
        from openai import OpenAI

        class Tuner:
            def __init__(self):
                self.client = OpenAI()

            def start(self):
                self.client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.scope == "Tuner.start"


# -- factories ----------------------------------------------------------------------------------


def test_client_returned_by_local_factory_function():
    code = """\
        from openai import OpenAI

        def make_client():
            return OpenAI(api_key="sk-test")

        make_client().fine_tuning.jobs.create(model="gpt-4o-mini")
        client = make_client()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6, 8]


def test_factory_returning_a_local_variable():
    code = """\
        from openai import OpenAI

        def make_client():
            client = OpenAI()
            return client

        make_client().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [7]


def test_factory_method_on_a_class():
    code = """\
        from openai import AsyncOpenAI

        class Clients:
            def openai(self):
                return AsyncOpenAI()

        Clients().openai().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, ASYNC_CREATE) == [7]


def test_static_and_class_factory_methods():
    code = """\
        from openai import OpenAI

        class Clients:
            @staticmethod
            def make():
                return OpenAI()

            @classmethod
            def build(cls):
                return OpenAI()

        Clients.make().fine_tuning.jobs.create(model="a")
        Clients.build().fine_tuning.jobs.create(model="b")
        """
    assert lines(code, CREATE) == [12, 13]


def test_factory_defined_after_its_use():
    code = """\
        from openai import OpenAI

        def main():
            client = get_client()
            client.fine_tuning.jobs.create(model="gpt-4o-mini")

        def get_client():
            return OpenAI()

        if __name__ == "__main__":
            main()
        """
    assert lines(code, CREATE) == [5]


def test_factory_that_uses_self_client_from_init():
    code = """\
        from openai import OpenAI

        class Service:
            def __init__(self):
                self._client = OpenAI()

            def client(self):
                return self._client

            def tune(self):
                return self.client().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [11]


# -- chains and transparent accessors ------------------------------------------------------------


def test_chained_constructor_call():
    code = """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [3]


def test_await_is_transparent():
    code = """\
        from openai import AsyncOpenAI

        async def main():
            client = AsyncOpenAI()
            job = await client.fine_tuning.jobs.create(model="gpt-4o-mini")
            return job
        """
    assert lines(code, ASYNC_CREATE) == [5]


def test_with_options_is_transparent():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        client.with_options(timeout=30, max_retries=5).fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]
    assert lines(code, "openai.OpenAI().with_options") == [4]


def test_with_options_result_stored_in_variable():
    code = """\
        from openai import OpenAI

        patient = OpenAI().with_options(timeout=600)
        patient.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_with_raw_response_is_transparent():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        raw = client.fine_tuning.jobs.with_raw_response.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_with_streaming_response_is_transparent():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        with client.fine_tuning.jobs.with_streaming_response.create(model="gpt-4o-mini") as response:
            pass
        """
    assert lines(code, CREATE) == [4]


def test_getattr_with_literal_name():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        getattr(client, "fine_tuning").jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_getattr_with_computed_name_stays_unresolved():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        getattr(client, resource_name).jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []
    (call,) = by_tail(code, "getattr().jobs.create")
    assert call.qualname is None


# -- annotations (dependency-injected clients) ----------------------------------------------------


def test_parameter_annotation_makes_an_instance():
    code = """\
        from openai import OpenAI

        def start(client: OpenAI, file_id: str):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    assert lines(code, CREATE) == [4]


def test_parameter_annotation_union_with_none():
    code = """\
        from openai import OpenAI

        def start(client: OpenAI | None = None):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_parameter_annotation_none_first_in_union():
    code = """\
        from openai import OpenAI

        def start(client: None | OpenAI = None):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_parameter_annotation_optional_subscript():
    code = """\
        from typing import Optional

        from openai import OpenAI

        def start(client: Optional[OpenAI] = None):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]


def test_parameter_string_annotation():
    code = """\
        from openai import OpenAI

        def start(client: "OpenAI"):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_parameter_string_annotation_with_none_union():
    code = """\
        from openai import OpenAI

        def start(client: "OpenAI | None" = None):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_parameter_annotation_through_module_attribute():
    code = """\
        import openai

        def start(client: openai.AsyncOpenAI):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, ASYNC_CREATE) == [4]


def test_method_parameter_annotation():
    code = """\
        from openai import OpenAI

        class Tuner:
            def start(self, client: OpenAI):
                return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


def test_bare_annotated_module_variable():
    code = """\
        from openai import OpenAI

        client: OpenAI

        def start():
            return client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]


def test_unannotated_parameter_stays_unresolved():
    code = """\
        import openai

        def start(openai):
            return openai.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, "openai.fine_tuning.jobs.create") == []


# -- with ------------------------------------------------------------------------------------------


def test_with_statement_binds_the_client():
    code = """\
        from openai import OpenAI

        with OpenAI() as client:
            client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [4]


def test_async_with_statement_binds_the_client():
    code = """\
        from openai import AsyncOpenAI

        async def main():
            async with AsyncOpenAI() as client:
                await client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, ASYNC_CREATE) == [5]


# -- reassignment ----------------------------------------------------------------------------------


def test_reassigned_name_no_longer_resolves_to_the_sdk():
    code = """\
        from openai import OpenAI
        from scheduler import Scheduler

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        client = Scheduler()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]
    assert lines(code, "scheduler.Scheduler().fine_tuning.jobs.create") == [7]


def test_reassigned_to_unknown_value_is_unresolved():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        client = build_something()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []
    assert only_call(code, "client.fine_tuning.jobs.create").qualname is None


def test_reassigned_by_for_loop_target():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        for client in things:
            client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []


def test_reassigned_by_tuple_unpacking():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        client, other = pair()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []


def test_local_rebinding_in_function_shadows_module_client():
    code = """\
        from openai import OpenAI

        client = OpenAI()

        def local():
            client = "not a client"
            client.fine_tuning.jobs.create(model="gpt-4o-mini")

        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [9]


def test_imported_sdk_name_rebound_by_local_function():
    code = """\
        from openai import OpenAI

        def OpenAI():
            return object()

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []


# -- user classes ------------------------------------------------------------------------------------


def test_user_subclass_of_sdk_class_constructs_the_sdk_class():
    code = """\
        from openai import OpenAI

        class MyClient(OpenAI):
            pass

        MyClient().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]
    assert lines(code, "openai.OpenAI") == [6]


def test_user_subclass_self_reaches_sdk_resources():
    code = """\
        from openai import OpenAI

        class MyClient(OpenAI):
            def tune(self):
                return self.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


def test_user_subclass_own_method_is_user_code():
    code = """\
        from openai import OpenAI

        class MyClient(OpenAI):
            def tune(self):
                return None

        MyClient().tune()
        """
    assert only_call(code, "MyClient().tune").qualname is None


def test_user_class_named_like_sdk_class_does_not_resolve():
    code = """\
        class OpenAI:
            def __init__(self):
                self.fine_tuning = None

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == []
    assert only_call(code, "OpenAI().fine_tuning.jobs.create").qualname is None


def test_user_class_shadowing_an_imported_sdk_name():
    code = """\
        from transformers import Trainer

        class Trainer:
            def train(self):
                return None

        Trainer().train()
        """
    assert [c.qualname for c in facts(code).calls] == [None]


def test_user_class_named_trainer_without_import():
    code = """\
        class Trainer:
            def train(self):
                return None

        Trainer().train()
        """
    assert all(c.qualname is None for c in facts(code).calls)


# -- relative imports -------------------------------------------------------------------------------


def test_relative_import_of_sdk_like_name_stays_unresolved():
    code = """\
        from .clients import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert all(c.qualname is None for c in facts(code).calls)


def test_relative_import_of_module_named_openai_stays_unresolved():
    code = """\
        from . import openai
        from ..vendor import openai as oa

        openai.fine_tuning.jobs.create(model="gpt-4o-mini")
        oa.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert all(c.qualname is None for c in facts(code).calls)


def test_relative_import_is_recorded_with_its_dots():
    code = """\
        from ..vendor import openai
        """
    assert [i.module for i in facts(code).imports] == ["..vendor"]


# -- comprehensions and lambdas ---------------------------------------------------------------------


def test_comprehension_variable_does_not_leak():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        names = [client for client in range(3)]
        table = {client: 1 for client in range(3)}
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [6]


def test_comprehension_variable_is_not_the_outer_client():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        jobs = [client.fine_tuning.jobs.create(model=m) for client in others]
        """
    assert lines(code, CREATE) == []


def test_lambda_parameter_shadows_outer_client():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        start = lambda client: client.fine_tuning.jobs.create(model="gpt-4o-mini")
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    assert lines(code, CREATE) == [5]


def test_lambda_body_sees_outer_client():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        start = lambda model: client.fine_tuning.jobs.create(model=model)
        """
    assert lines(code, CREATE) == [4]


# -- names that are not calls ---------------------------------------------------------------------


def test_strings_and_comments_produce_no_calls():
    code = """\
        # client.fine_tuning.jobs.create(model="gpt-4o-mini")
        NOTE = "we decided against client.fine_tuning.jobs.create"
        DOC = '''OpenAI().fine_tuning.jobs.create(model="x")'''
        """
    assert facts(code).calls == []


def test_unresolved_receiver_keeps_its_text_tail():
    code = """\
        loss.backward()
        """
    (call,) = facts(code).calls
    assert call.qualname is None
    assert call.tail == "loss.backward"


def test_builtins_resolve_under_builtins():
    code = """\
        open("train.jsonl")
        """
    assert lines(code, "builtins.open") == [1]


# -- positions ------------------------------------------------------------------------------------


def test_span_is_one_based_line_and_callee_columns():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    # The callee expression `client.fine_tuning.jobs.create` (starts after "job = ").
    assert call.span == Span(4, 6, 4, 36)
    # The whole call including its argument list.
    assert call.full_span == Span(4, 6, 4, 57)


def test_span_of_indented_call():
    code = """\
        from openai import OpenAI

        def train():
            OpenAI().fine_tuning.jobs.create(model="x")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.span == Span(4, 4, 4, 36)


def test_multi_line_call_spans_all_its_lines():
    code = """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(
            model="gpt-4o-mini",
            training_file="file-abc",
        )
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.span == Span(4, 0, 4, 30)
    assert call.full_span == Span(4, 0, 7, 1)
    assert call.kwargs["training_file"].span == Span(6, 18, 6, 28)


def test_columns_are_code_points_after_non_ascii_text():
    # "é" is 2 UTF-8 bytes, "漢" and "字" 3 each: byte columns would be 5 larger.
    code = """\
        from openai import OpenAI

        client = OpenAI()
        x = "é漢字"; client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.span == Span(4, 11, 4, 41)
    assert call.kwargs["model"].span == Span(4, 48, 4, 61)


def test_columns_are_code_points_after_astral_character():
    # An emoji is 1 code point, 4 UTF-8 bytes and 2 UTF-16 units.
    code = """\
        from openai import OpenAI

        msg = "🚀"; OpenAI().fine_tuning.jobs.create(model="m")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert (call.span.start_col, call.span.end_col) == (11, 43)


def test_non_ascii_on_previous_line_does_not_shift_columns():
    code = """\
        from openai import OpenAI
        # Überprüfung der Trainingsdaten — 训练
        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.span == Span(4, 0, 4, 30)


def test_argument_spans_are_code_points():
    code = """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(suffix="café", model="gpt-4o-mini")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == CREATE]
    assert call.kwargs["suffix"].span == Span(3, 40, 3, 46)
    assert call.kwargs["model"].span == Span(3, 54, 3, 67)


# -- literal argument values ----------------------------------------------------------------------


def _create_call(code: str) -> CallFact:
    found = [c for c in facts(code).calls if c.qualname == CREATE]
    assert len(found) == 1, [(c.tail, c.qualname) for c in facts(code).calls]
    return found[0]


def test_string_and_number_keyword_values():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", seed=42, ratio=0.5, neg=-3, on=True, none=None)
        """
    )
    values = {name: arg.value for name, arg in call.kwargs.items()}
    assert values == {"model": "gpt-4o-mini", "seed": 42, "ratio": 0.5, "neg": -3, "on": True, "none": None}
    assert all(arg.is_literal for arg in call.kwargs.values())


def test_positional_argument_values():
    code = """\
        import replicate

        replicate.trainings.create("owner/name:version", {"steps": 10}, "me/model")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == "replicate.trainings.create"]
    assert [a.value for a in call.args] == ["owner/name:version", {"steps": 10}, "me/model"]


def test_dict_argument_value():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}})
        """
    )
    assert call.kwargs["method"].value == {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}}


def test_dict_with_unknown_value_keeps_known_keys():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(method={"type": "supervised", "supervised": build()})
        """
    )
    value = call.kwargs["method"].value
    assert value["type"] == "supervised"
    assert value["supervised"] is UNKNOWN


def test_list_and_tuple_values():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(a=["x", 1], b=("y", 2))
        """
    )
    assert call.kwargs["a"].value == ["x", 1]
    assert call.kwargs["b"].value == ("y", 2)


def test_module_level_constants_used_as_arguments():
    call = _create_call(
        """\
        from openai import OpenAI

        BASE_MODEL = "gpt-4o-mini-2024-07-18"
        EPOCHS = 3
        METHOD = {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}}

        def start(client: OpenAI):
            return client.fine_tuning.jobs.create(model=BASE_MODEL, method=METHOD, seed=EPOCHS)
        """
    )
    assert call.kwargs["model"].value == "gpt-4o-mini-2024-07-18"
    assert call.kwargs["method"].value["type"] == "dpo"
    assert call.kwargs["seed"].value == 3


def test_nested_dict_key_lookup_as_argument():
    call = _create_call(
        """\
        from openai import OpenAI

        CONFIG = {"openai": {"model": "gpt-4.1-mini-2025-04-14", "epochs": 4}}
        OpenAI().fine_tuning.jobs.create(model=CONFIG["openai"]["model"], seed=CONFIG["openai"]["epochs"])
        """
    )
    assert call.kwargs["model"].value == "gpt-4.1-mini-2025-04-14"
    assert call.kwargs["seed"].value == 4


def test_missing_dict_key_is_unknown():
    call = _create_call(
        """\
        from openai import OpenAI

        CONFIG = {"openai": {"model": "gpt-4o-mini"}}
        OpenAI().fine_tuning.jobs.create(model=CONFIG["anthropic"])
        """
    )
    assert call.kwargs["model"].value is UNKNOWN
    assert not call.kwargs["model"].is_literal


def test_string_concatenation_is_evaluated():
    call = _create_call(
        """\
        from openai import OpenAI

        PREFIX = "gpt-4o"
        OpenAI().fine_tuning.jobs.create(model=PREFIX + "-mini")
        """
    )
    assert call.kwargs["model"].value == "gpt-4o-mini"


def test_f_string_and_call_results_are_unknown():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model=f"gpt-{size}", training_file=upload())
        """
    )
    assert call.kwargs["model"].value is UNKNOWN
    assert call.kwargs["training_file"].value is UNKNOWN


def test_pathlib_division_gives_a_path_value():
    code = """\
        import pathlib

        from openai import OpenAI

        data = pathlib.Path("data") / "train.jsonl"
        OpenAI().files.create(file=data, purpose="fine-tune")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == "openai.OpenAI().files.create"]
    assert call.kwargs["file"].value == "data/train.jsonl"
    assert call.kwargs["file"].qualname == "pathlib.Path()"
    assert call.kwargs["purpose"].value == "fine-tune"


def test_pathlib_imported_path_with_several_parts():
    code = """\
        from pathlib import Path

        from openai import OpenAI

        OpenAI().files.create(file=Path("data", "sft") / "train.jsonl", purpose="fine-tune")
        """
    (call,) = [c for c in facts(code).calls if c.qualname == "openai.OpenAI().files.create"]
    assert call.kwargs["file"].value == "data/sft/train.jsonl"


def test_os_path_join_gives_a_string_value():
    code = """\
        import os

        from openai import OpenAI

        TRAIN = os.path.join("data", "train.jsonl")
        OpenAI().files.create(file=open(TRAIN, "rb"), purpose="fine-tune")
        OpenAI().files.create(file=os.path.join("data", "valid.jsonl"), purpose="fine-tune")
        """
    calls = [c for c in facts(code).calls if c.qualname == "openai.OpenAI().files.create"]
    assert [c.span.start_line for c in calls] == [6, 7]
    (open_call,) = [c for c in facts(code).calls if c.qualname == "builtins.open"]
    assert open_call.args[0].value == "data/train.jsonl"
    assert calls[1].kwargs["file"].value == "data/valid.jsonl"


def test_argument_resolving_to_an_sdk_object_has_its_qualname_and_origin():
    code = """\
        from trl import SFTConfig, SFTTrainer

        SFTTrainer(model="Qwen/Qwen2.5-0.5B", args=SFTConfig(output_dir="out"))
        """
    calls = facts(code).calls
    (trainer,) = [c for c in calls if c.qualname == "trl.SFTTrainer"]
    (config,) = [c for c in calls if c.qualname == "trl.SFTConfig"]
    assert trainer.kwargs["args"].qualname == "trl.SFTConfig()"
    assert trainer.kwargs["args"].origin == config.index


def test_star_kwargs_are_flagged():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", **options)
        """
    )
    assert call.star_kwargs is True
    assert call.star_args is False
    assert set(call.kwargs) == {"model"}


def test_star_args_are_flagged():
    call = _create_call(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(*positional)
        """
    )
    assert call.star_args is True
    assert call.args == []


# -- a client kept on an object from elsewhere (real code: openai-chat-app-quickstart) -------

BLUEPRINT_CLIENT = """\
    from openai import AsyncOpenAI
    from quart import Blueprint

    bp = Blueprint("chat", __name__)
    other = Blueprint("admin", __name__)


    @bp.before_app_serving
    async def configure_openai():
        bp.openai_client = AsyncOpenAI()
        bp.settings = {"model": "gpt-4.1"}
        other.openai_client = make_client()


    async def chat_handler(text):
        return bp.openai_client.responses.stream(model="gpt-4.1", input=text)


    async def admin_handler(text):
        return other.openai_client.responses.stream(model="gpt-4.1", input=text)
    """


def test_a_client_set_on_an_outside_object_resolves_where_it_is_read():
    call = only_call(BLUEPRINT_CLIENT, "bp.openai_client.responses.stream")
    assert call.qualname == "openai.AsyncOpenAI().responses.stream"


def test_an_attribute_of_another_object_or_not_built_here_stays_unresolved():
    # `other` is another blueprint (another call built it), and what it holds was not
    # built in this file: it stays the blueprint's attribute, not the client.
    call = only_call(BLUEPRINT_CLIENT, "other.openai_client.responses.stream")
    assert call.qualname == "quart.Blueprint().openai_client.responses.stream"
