"""The compiled network: the expanded multimodal network as arrays that every solver shares.

:func:`compile_network` turns a network graph, for one ``commodity``, ``year`` and
:class:`~corridors.core.expand.Avoid` set, into a :class:`CompiledNetwork` (cached per graph object,
like :func:`~corridors.expand.expand`, which is drawn from it). It holds exactly the expanded
network of :mod:`corridors.core.expand`:

* ``nodes``: a tuple of ``(place, layer)`` keys, layer ``"rail:1520"``, ``"sea"``, ...,
  ``SRC`` or ``DST``; ``node_index`` maps a key to its number; ``n_nodes``.
* Edges in CSR order (those leaving node ``i`` are ``indptr[i]:indptr[i + 1]``): ``tail``,
  ``head`` (int32); ``kind`` (int8: ``LINK``, ``TRANSFER``, ``GAUGE_CHANGE``, ``ACCESS``);
  ``link`` (int32 into ``link_ids``, -1 for place edges; ``link_mode`` per link); ``place``
  (int32 into ``place_ids``, -1 for link edges; ``place_country``, ``place_kind`` per place).
* Figures per tonne, float64: ``length_km``, ``time_h`` (running plus waiting),
  ``cost_usd_per_t``, ``co2_kg_per_t``, ``border_h`` and ``border_usd_per_t`` (the dwell of
  a link between two countries); ``capacity_tpy`` (``inf`` where the data gives no figure),
  ``capacity_known`` (False there) and ``capacity_shared`` (False for a per-commodity figure).
* ``weights(by)``: the generalised cost per edge for a criterion of
  :func:`~corridors.core.criteria.criterion_weights` (border dwell included);
  ``simple(weights)`` / ``simple_for(by)``: one edge per node pair (the cheapest; ties to the
  lower edge id) as a :class:`Simple` with a ``matrix`` for :mod:`scipy.sparse.csgraph` (zero
  weights raised to ``EPSILON``, since scipy drops explicit zeros) and the ``edge`` id behind
  each entry; ``csgraph(weights)`` is that matrix.
* ``edge_attrs(e)``, ``edge_key(e)``: edge ``e`` as the networkx face shows it.

Arrays are read-only: never modify them (a cached network is shared by every caller).

Examples
--------
>>> from corridors import load_network
>>> net = compile_network(load_network(), commodity="oil")
>>> e = net.indptr[net.node_index[("terminal:sangachal", "pipeline")]]
>>> net.kind_name(int(e)) in KIND_NAMES
True
"""

from corridors.core.build import DST, SRC
from corridors.core.compiled import (
    ACCESS,
    EPSILON,
    GAUGE_CHANGE,
    KIND_NAMES,
    LINK,
    TRANSFER,
    CompiledNetwork,
    Simple,
    compile_network,
)
from corridors.core.criteria import METRICS, Criterion, criterion_weights, edge_weight

__all__ = [
    "ACCESS",
    "DST",
    "EPSILON",
    "GAUGE_CHANGE",
    "KIND_NAMES",
    "LINK",
    "METRICS",
    "SRC",
    "TRANSFER",
    "CompiledNetwork",
    "Criterion",
    "Simple",
    "compile_network",
    "criterion_weights",
    "edge_weight",
]
