from . import flitstack
