"""The built-in GPU catalog (gpus.yaml beside this file)."""
