from . import base
from . import the_customer_factor
