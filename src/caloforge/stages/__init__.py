"""The stages of the CaloForge loop, each one function that the CLI, ``caloforge demo`` and the
benchmark scripts share: simulate, train, generate, bench, evaluate; plus ``Pipeline``, which
runs named stages resumably (finished stages are skipped).

Stages sit above every library package (``simulate``, ``training``, ``models``, ``bench``,
``validate``, ``report``) and below ``demo`` and ``cli``. They show progress and write files;
what a stage computes lives in the library it calls. A new stage (a physics task, a second
particle) is one function here, then one line in each caller.
"""

from caloforge.stages.pipeline import Pipeline, Stage, StageResult

__all__ = ["Pipeline", "Stage", "StageResult"]
