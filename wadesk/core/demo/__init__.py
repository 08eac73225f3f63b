"""The sample shop: a deterministic, realistic Indian D2C customer base for trying WaDesk out
and for benchmarks (`wadesk demo`)."""
from wadesk.core.demo.generate import SAMPLE_SHOP_NAME, DemoResult, build_sample_shop, remove_sample_shop

__all__ = ["SAMPLE_SHOP_NAME", "DemoResult", "build_sample_shop", "remove_sample_shop"]
