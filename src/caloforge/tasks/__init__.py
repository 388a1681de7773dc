"""The physics tasks the showers are for (AMS-02 ECAL style): electron/proton separation,
energy regression, anomaly detection; each runs the same on Monte Carlo and generated showers,
so that a generator can be judged by whether the tasks give the same answers."""
