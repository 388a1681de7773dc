"""Built-in reference Monte Carlo: condensed-history e-, e+ and photon showers (numba)."""

from caloforge.simulate.api import Cuts, Detailed, particle_name, simulate, simulate_detailed

__all__ = ["Cuts", "Detailed", "particle_name", "simulate", "simulate_detailed"]
