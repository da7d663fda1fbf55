"""Where the repository, the example and the seed live, for every test and helper."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
# The Isesaki 令和4年度 publication as the city published it: the text the example encodes.
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"
