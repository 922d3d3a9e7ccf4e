from . import tabular
from . import base
from . import the_customer_factor
from . import contractor_plus
from . import the_service_program
