"""The numbers: one sample's pass, run(Scenario) -> Trace of Steps, numbers-only training."""
