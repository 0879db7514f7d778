"""Schema leaves of the data layer: per topic, the constants that describe a dataset and the
validators that check it.

* :mod:`~crmlab.datasets.schema.adoption` — size classes, barriers, success factors, the readiness
  instrument; validators of the published statistics, the instrument and scorecards;
* :mod:`~crmlab.datasets.schema.glossary` — the bilingual glossary;
* :mod:`~crmlab.datasets.schema.profiles` — the synthetic customer profiles;
* :mod:`~crmlab.datasets.schema.survey` — the ECSI and SERVQUAL instruments;
* :mod:`~crmlab.datasets.schema.value` — Kotler's dimensions of customer delivered value;
* :mod:`~crmlab.datasets.schema.valuechain` — Porter's value chain and value system specifications.

The loaders of :mod:`crmlab.datasets` and the analysis modules both import these, so each description
exists once; a leaf imports only pandas, numpy, :mod:`crmlab.errors`, :mod:`crmlab.files`,
:mod:`crmlab.validation` and :mod:`crmlab.datasets.registry` — never an analysis module, matplotlib
or statsmodels.
"""
