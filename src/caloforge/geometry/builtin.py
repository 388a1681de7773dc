"""The built-in detectors. Dimensions and their sources live here and nowhere else."""

from __future__ import annotations

import math

from caloforge.geometry.binning import LayerBinning, Readout
from caloforge.geometry.detector import FibreLattice, Geometry, Slab
from caloforge.geometry.materials import get_material
from caloforge.registry import Registry

GEOMETRIES: Registry[Geometry] = Registry("geometry")

# Voxel thresholds (MeV) of the CaloChallenge evaluation: dataset 1 (photons, pions) 1 MeV;
# datasets 2 and 3 (electrons) 15.15 keV, half a MIP in their 0.3 mm Si layers
# (arXiv:2410.21611). Keyed by the (PDG id, voxel count) of the four official binning files.
CHALLENGE_THRESHOLDS = {(22, 368): 1.0, (211, 533): 1.0, (11, 6480): 0.01515, (11, 40500): 0.01515}

# --- AMS-02 ECAL ----------------------------------------------------------------------------
# Vecchi et al., arXiv:1210.0316; Adloff et al., NIM A 714 (2013) 147. 9 superlayers of 18.5 mm,
# each 11 grooved 1 mm lead foils holding 10 rows of 1 mm scintillating fibres (0.94 mm core,
# pitch 1.35 mm, rows 1.85 mm apart and staggered by half a pitch), glued with epoxy; volume
# Pb : fibre : glue = 57 : 32 : 11. Each superlayer is read out as 2 layers of 72 cells (9 mm, 5 fibre
# rows each); fibre directions alternate, so superlayers alternately measure x and y. Modelled
# as it is built: every row is a 1.85 mm lead slab with round fibres in its mid-plane (core of
# polystyrene, read out; a passive ring of cladding and glue, PMMA-like, whose area is the glue's
# 11 %), so the sampling fluctuations of round fibres (the path in plastic depends on where a
# particle crosses a fibre) arise in the transport. Light: Birks' law in the cores
# (materials.POLYSTYRENE_BIRKS_G_CM2) and 55 photo-electrons per MeV of light, the AMS-02 GEANT3
# offline simulation's value (8000 photons/MeV x 3.44 % trapping x 20 % quantum efficiency of the
# multi-anode PMTs); light attenuation along the fibres and PMT gain spread are not simulated.
AMS_SUPERLAYERS = 9
AMS_SUPERLAYER_MM = 18.5
AMS_CELLS, AMS_CELL_PITCH_MM = 72, 9.0
AMS_ROWS_PER_LAYER = 5
AMS_FIBRE_PITCH_MM, AMS_FIBRE_RADIUS_MM, AMS_CORE_RADIUS_MM = 1.35, 0.5, 0.47
AMS_GLUE_FRACTION = 0.11
AMS_PHOTOELECTRONS_PER_MEV = 8000 * 0.0344 * 0.20


def _ams_fibres(axis: str, row: int, row_mm: float) -> FibreLattice:
    glue_area = AMS_GLUE_FRACTION * AMS_FIBRE_PITCH_MM * row_mm
    outer = math.sqrt(AMS_FIBRE_RADIUS_MM ** 2 + glue_area / math.pi)
    return FibreLattice("polystyrene", "epoxy", AMS_CORE_RADIUS_MM, outer, AMS_FIBRE_PITCH_MM,
                        offset=0.5 * AMS_FIBRE_PITCH_MM * (row % 2), axis=axis)


@GEOMETRIES.register("ams-ecal")
def ams_ecal() -> Geometry:
    row_mm = AMS_SUPERLAYER_MM / (2 * AMS_ROWS_PER_LAYER)
    slabs, layers = [], []
    for layer_id in range(2 * AMS_SUPERLAYERS):
        axis = "x" if (layer_id // 2) % 2 == 0 else "y"
        layers.append(LayerBinning(id=layer_id, kind="strip", axis=axis,
                                   n_cells=AMS_CELLS, pitch=AMS_CELL_PITCH_MM))
        for row in range(AMS_ROWS_PER_LAYER):
            slabs.append(Slab("Pb", row_mm, active=True, readout_layer=layer_id,
                              fibres=_ams_fibres(axis, layer_id * AMS_ROWS_PER_LAYER + row, row_mm)))
    return Geometry(
        name="ams-ecal",
        description="AMS-02-like ECAL: grooved Pb foils with round scintillating fibres, 18 layers x 72 cells "
                    "of 9 mm, superlayers alternate x/y readout",
        slabs=tuple(slabs),
        readout=Readout(layers=tuple(layers), particle="electron", pid=11),
        half_width=0.5 * AMS_CELLS * AMS_CELL_PITCH_MM,
        sources="arXiv:1210.0316; NIM A 714 (2013) 147",
        photoelectrons_per_mev=AMS_PHOTOELECTRONS_PER_MEV,
    )


# --- CaloChallenge dataset 1 (photons), ATLAS-like -------------------------------------------
# Binning identical to binning_dataset_1_photons.xml (CaloChallenge 2022). The material stack is an
# ATLAS-barrel-like approximation at |eta| ~ 0.2 (ATLAS TDR CERN/LHCC 96-41, JINST 3 S08003):
# ~1.1 X0 of dead material, LAr presampler (layer 0), Pb/LAr accordion sampling (1.5 mm Pb,
# 4.2 mm LAr) split into strips (layer 1, ~4.5 X0), middle (layer 2, ~16 X0) and back (layer 3,
# ~2 X0), then an iron/scintillator tile layer (id 12). The accordion folds are flattened.
DS1_PHOTON_R_EDGES = {
    0: (0, 5, 10, 30, 50, 100, 200, 400, 600),
    1: (0, 2, 4, 6, 8, 10, 12, 15, 20, 30, 40, 50, 70, 90, 120, 150, 200),
    2: (0, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 130, 160, 200, 250, 300, 350, 400),
    3: (0, 50, 100, 200, 400, 600),
    12: (0, 100, 200, 400, 1000, 2000),
}
DS1_N_ALPHA = {1: 10, 2: 10}
DS1_ACCORDION_PERIODS = {1: 15, 2: 54, 3: 7}
DS1_TILE_PERIODS = 15


def _sampling(absorber: str, t_abs: float, active: str, t_act: float, periods: int, layer: int) -> list[Slab]:
    return [s for _ in range(periods) for s in (Slab(absorber, t_abs), Slab(active, t_act, True, layer))]


@GEOMETRIES.register("ds1-photon-like")
def ds1_photon_like() -> Geometry:
    layers = tuple(
        LayerBinning(id=i, r_edges=tuple(map(float, DS1_PHOTON_R_EDGES.get(i, (0,)))),
                     n_alpha=DS1_N_ALPHA.get(i, 1))
        for i in range(24)
    )
    slabs = [Slab("Fe", 20.0), Slab("LAr", 11.0, True, 0)]
    for layer, periods in DS1_ACCORDION_PERIODS.items():
        slabs += _sampling("Pb", 1.5, "LAr", 4.2, periods, layer)
    slabs += _sampling("Fe", 14.0, "polystyrene", 3.0, DS1_TILE_PERIODS, 12)
    return Geometry(
        name="ds1-photon-like",
        description="ATLAS-like Pb/LAr barrel + Fe/scintillator tile, binned as CaloChallenge "
                    "dataset 1 (photons): 5 layers, 368 voxels",
        slabs=tuple(slabs),
        readout=Readout(layers=layers, particle="photon", pid=22,
                        extra_attributes={"etaMin": "0", "etaMax": "130"}),
        half_width=2000.0,
        sources="CaloChallenge 2022 binning_dataset_1_photons.xml; ATLAS JINST 3 S08003",
        voxel_threshold=CHALLENGE_THRESHOLDS[(22, 368)],
    )


# --- CaloChallenge dataset 2-like (Si-W) ------------------------------------------------------
# 90 layers of 1.4 mm W + 0.3 mm Si read out in 45 z-cells (2 physical layers each), 16 angular x
# 9 radial bins of 4.65 mm (CaloChallenge overview, arXiv:2410.21611).
DS2_LAYERS, DS2_N_ALPHA, DS2_N_R, DS2_DR_MM = 45, 16, 9, 4.65


@GEOMETRIES.register("ds2-like")
def ds2_like() -> Geometry:
    edges = tuple(round(i * DS2_DR_MM, 6) for i in range(DS2_N_R + 1))
    layers = tuple(LayerBinning(id=i, r_edges=edges, n_alpha=DS2_N_ALPHA) for i in range(DS2_LAYERS))
    slabs = [s for i in range(DS2_LAYERS) for s in _sampling("W", 1.4, "Si", 0.3, 2, i)]
    return Geometry(
        name="ds2-like",
        description="CaloChallenge dataset-2-like Si-W sampling calorimeter: 45 x 16 x 9 = 6480 voxels",
        slabs=tuple(slabs),
        readout=Readout(layers=layers, particle="electron", pid=11),
        half_width=500.0,
        sources="CaloChallenge 2022 binning_dataset_2.xml; arXiv:2410.21611",
        voxel_threshold=CHALLENGE_THRESHOLDS[(11, 6480)],
    )


# --- Homogeneous PbWO4 block ------------------------------------------------------------------
# CMS-like crystal material (PDG PbWO4), 25 X0 deep, read out in 50 slices of 0.5 X0 and radial
# rings in units of the Moliere radius, out to 25 R_M; used to test the Monte Carlo's physics.
PBWO4_DEPTH_X0, PBWO4_SLICES = 25.0, 50
PBWO4_RING_EDGES_RM = (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5,
                       4.0, 5.0, 7.0, 10.0, 25.0)


@GEOMETRIES.register("pbwo4-block")
def pbwo4_block() -> Geometry:
    material = get_material("PbWO4")
    slice_mm = PBWO4_DEPTH_X0 * material.X0_mm / PBWO4_SLICES
    rm_mm = 10.0 * material.moliere_radius_cm
    edges = tuple(round(f * rm_mm, 4) for f in PBWO4_RING_EDGES_RM)
    layers = tuple(LayerBinning(id=i, r_edges=edges, n_alpha=1) for i in range(PBWO4_SLICES))
    slabs = tuple(Slab("PbWO4", slice_mm, True, i) for i in range(PBWO4_SLICES))
    return Geometry(
        name="pbwo4-block",
        description="Homogeneous PbWO4 block, 25 X0, 50 slices of 0.5 X0 x 19 radial rings",
        slabs=slabs,
        readout=Readout(layers=layers, particle="electron", pid=11),
        half_width=25.0 * rm_mm,
        sources="PDG Atomic and Nuclear Properties (PbWO4)",
    )



# --- Iron / scintillator hadron calorimeter block -------------------------------------------
# A test block for hadron showers in the style of the CALICE AHCAL and the ATLAS TileCal: 70
# layers of 20 mm iron + 5 mm polystyrene scintillator (PDG materials), 1.4 m of iron + 0.35 m of
# plastic = 8.8 lambda_I, fine enough longitudinally (0.12 lambda_I per layer) to compare mean
# profiles with the Bock et al. parameterisation; radial rings out to 1 m, 1.5 m half-width.
HCAL_LAYERS, HCAL_FE_MM, HCAL_SCINT_MM = 70, 20.0, 5.0
HCAL_RING_EDGES_MM = (0, 20, 40, 60, 90, 130, 180, 250, 350, 500, 700, 1000)


@GEOMETRIES.register("fe-scint-hcal")
def fe_scint_hcal() -> Geometry:
    edges = tuple(float(r) for r in HCAL_RING_EDGES_MM)
    layers = tuple(LayerBinning(id=i, r_edges=edges, n_alpha=1) for i in range(HCAL_LAYERS))
    slabs = tuple(s for i in range(HCAL_LAYERS)
                  for s in _sampling("Fe", HCAL_FE_MM, "polystyrene", HCAL_SCINT_MM, 1, i))
    return Geometry(
        name="fe-scint-hcal",
        description="Fe/scintillator hadron calorimeter block: 70 x (20 mm Fe + 5 mm scint), 8.8 lambda_I, "
                    "70 layers x 11 rings to 1 m",
        slabs=slabs,
        readout=Readout(layers=layers, particle="pi+", pid=211),
        half_width=1500.0,
        sources="PDG Atomic and Nuclear Properties (Fe, polystyrene); CALICE AHCAL-like sampling",
    )
