"""The publishing workflow under the open-government rules (分级审查, 保密审查, 留痕)."""
