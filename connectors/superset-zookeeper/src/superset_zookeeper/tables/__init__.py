"""The tables behind registry://<name>."""

from .applies import AppliesTable
from .drift import DriftTable
from .lock import LockTable
from .objects import ObjectsTable
from .znodes import ZnodesTable

TABLES = {
    "applies": AppliesTable,
    "objects": ObjectsTable,
    "drift": DriftTable,
    "lock": LockTable,
    "znodes": ZnodesTable,
}
