"""Built-in reference Monte Carlo: condensed-history e-, e+ and photon showers (numba).

Named ``mc`` rather than ``simulate`` so that ``caloforge.simulate`` stays the Python API's
function (``cf.simulate(...)``): a subpackage of that name would replace it on import."""

from caloforge.mc.api import Cuts, Detailed, particle_name, simulate, simulate_detailed

__all__ = ["Cuts", "Detailed", "particle_name", "simulate", "simulate_detailed"]
