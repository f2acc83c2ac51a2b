"""`X.data OP= Y` -> `X.set_data(await X.get_data() OP Y)` (codemods/response_data.py)."""

from __future__ import annotations

from quartify.analysis.planners.response_data import UpdateResponseData
from tests.codemods.helpers import at, check_noop, check_transformed

FUNC = "async def f(resp, tail):\n    {line}\n"


def test_an_appended_suffix_becomes_set_data_of_the_awaited_body() -> None:
    src = FUNC.format(line='resp.data += b"\\n"')
    check_transformed(src, FUNC.format(line='resp.set_data(await resp.get_data() + b"\\n")'),
                      UpdateResponseData(at(src, "resp.data")))


def test_a_compound_right_side_keeps_its_meaning_in_parentheses() -> None:
    src = FUNC.format(line="resp.data += tail or b''")
    check_transformed(src, FUNC.format(line="resp.set_data(await resp.get_data() + (tail or b''))"),
                      UpdateResponseData(at(src, "resp.data")))


def test_an_attribute_chain_receiver_is_kept() -> None:
    src = FUNC.format(line='self.reply.data *= 2')
    check_transformed(src, FUNC.format(line="self.reply.set_data(await self.reply.get_data() * 2)"),
                      UpdateResponseData(at(src, "self.reply.data")))


def test_a_plain_assignment_is_left_alone() -> None:
    src = FUNC.format(line='resp.data = b"x"')
    check_noop(src, UpdateResponseData(at(src, "resp.data")))
