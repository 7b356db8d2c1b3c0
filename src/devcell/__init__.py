"""DevCell: a self-hosted team platform shipped as a self-managing appliance."""

__version__ = "0.6.0"
