"""Read the superset-gitops registry in ZooKeeper from Superset.

``registry://<table>`` tables (applies, objects, drift, lock, znodes) through a shillelagh adapter,
and the ``shillelagh+zookeeper://`` dialect that loads only that adapter and pings ZooKeeper.
"""

__version__ = "0.1.0"
