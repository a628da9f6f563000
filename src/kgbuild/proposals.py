"""Sources without reviewed claims: the extractor proposes their facts, marked as proposed.

A source of the data folder with neither ``claims/<id>.yaml`` nor ``proposed/<id>.yaml`` is
extracted during the build. Its proposed claim file is written to ``<cache>/proposed/<id>.yaml``
(the place the evidence's ``kg:claimFile`` points to, ready to be reviewed) and the extraction
itself is cached by the text's sha256, so an unchanged article is not analysed twice.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from .claims import ClaimFile, Corpus, load_claim_file
from .errors import ClaimError
from .rdfio import write_atomic


def propose_missing(corpus: Corpus, cache_dir: Path | None) -> Corpus:
    """``corpus`` plus the proposed claims of its sources that have none."""
    missing = [corpus.sources[source_id] for source_id in corpus.sources_without_claims]
    if not missing:
        return corpus
    from .extract import extract_sources  # spaCy is loaded only when there is work for it

    if cache_dir is None:
        cache_dir = Path(tempfile.mkdtemp(prefix="kgbuild-proposals-"))
    proposals = extract_sources(missing, corpus.registry, cache_dir=cache_dir / "extract")
    registry, files = corpus.registry, []
    seen = {claim.id: claim for claim in corpus.claims}
    for proposal in proposals:
        path = cache_dir / "proposed" / f"{proposal.source_id}.yaml"
        write_atomic(path, proposal.to_yaml())
        claim_file = load_claim_file(path, registry, corpus.sources,
                                     require_status="proposed")
        _refuse_clashing_ids(claim_file, seen)
        registry = claim_file.registry or registry
        files.append(claim_file)
    return dataclasses.replace(corpus, registry=registry,
                               claim_files=corpus.claim_files + tuple(files))


def _refuse_clashing_ids(claim_file: ClaimFile, seen: dict) -> None:
    for claim in claim_file.claims:
        if claim.id in seen:
            raise ClaimError(f"proposed claim id '{claim.id}' is already used at "
                             f"{seen[claim.id].location}", path=claim.file, line=claim.line,
                             hint="rename the reviewed claim, or review the proposal by hand")
        seen[claim.id] = claim
