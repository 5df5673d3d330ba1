"""How estimates are rounded in JSON answers: the types response schemas declare them with.

Means, gaps and scores carry 3 decimals, shares and correlations 4, p- and q-values 4
significant figures (a q of 1e-30 must not read 0); NaN and infinities become null.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from pydantic import AfterValidator

from vocsvc.stats import rnd, sig

Decimal3 = Annotated[float, AfterValidator(partial(rnd, digits=3))]  # always finite
Decimal3OrNull = Annotated[float | None, AfterValidator(partial(rnd, digits=3))]
Decimal4 = Annotated[float, AfterValidator(partial(rnd, digits=4))]
Significant = Annotated[float, AfterValidator(sig)]
SignificantOrNull = Annotated[float | None, AfterValidator(sig)]
