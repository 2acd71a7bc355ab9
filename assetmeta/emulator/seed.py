"""The sample assets a new emulator starts with: a small, realistic library.

Ids look like the platform's (24 hex digits, the first 8 the creation time) and never
change, so the README demo and users' scripts can name them. Newest first.
"""

from __future__ import annotations

import copy
from typing import Any

# A ready video with metadata of every type: the asset the README demo uses.
SAMPLE_ASSET_ID = "684aa0b3e1264e5a2fef5c4d"

_SAMPLE_ASSETS: list[dict[str, Any]] = [
    {
        "_id": SAMPLE_ASSET_ID,
        "method": "direct",
        "status": "ready",
        "filename": "spring-launch-hero.mp4",
        "file_type": "video/mp4",
        "size": 48_213_770,
        "duration": 94.52,
        "created_at": "2025-06-12T09:41:07Z",
        "user_metadata": {
            "campaign": "spring-launch",
            "reviewed": True,
            "priority": 2,
            "rating": 4.5,
            "tags": ["hero", "outdoor", "product"],
        },
    },
    {
        "_id": "6848572f3f28f5d866e8f86f",
        "method": "url",
        "status": "ready",
        "filename": "customer-interview-berlin.mov",
        "file_type": "video/quicktime",
        "size": 312_904_118,
        "duration": 1_843.0,
        "created_at": "2025-06-10T16:02:55Z",
        "user_metadata": {"speaker": "Lena Vogel", "language": "de", "consent_form": True},
    },
    {
        "_id": "683eda6dc93b827420bef4ca",
        "method": "multipart",
        "status": "processing",
        "filename": "conference-keynote-2025.mp4",
        "file_type": "video/mp4",
        "size": 2_147_950_112,
        "duration": 3_720.4,
        "created_at": "2025-06-03T11:20:13Z",
    },
    {
        "_id": "6836c62ebc24acf9017c1480",
        "method": "direct",
        "status": "ready",
        "filename": "product-shot-blue.png",
        "file_type": "image/png",
        "size": 2_381_442,
        "created_at": "2025-05-28T08:15:42Z",
        "user_metadata": {"sku": "BLU-0042", "approved": False, "variants": ["blue", "navy"]},
    },
    {
        "_id": "682de4252b7716499193742f",
        "method": "url",
        "status": "failed",
        "filename": "drone-coastline-4k.mp4",
        "file_type": "video/mp4",
        "size": 0,
        "created_at": "2025-05-21T14:33:09Z",
    },
    {
        "_id": "6824e97b28e93015dd741b3d",
        "method": "direct",
        "status": "ready",
        "filename": "podcast-episode-17.mp3",
        "file_type": "audio/mpeg",
        "size": 54_118_300,
        "duration": 2_255.2,
        "created_at": "2025-05-14T19:05:31Z",
        "user_metadata": {"episode": 17, "season": 2, "explicit": False, "hosts": ["Ana", "Ravi"]},
    },
    {
        "_id": "6814a2e0dda08c1c1eff511c",
        "method": "direct",
        "status": "ready",
        "filename": "brand-guidelines-v3.pdf",
        "file_type": "application/pdf",
        "size": 8_733_091,
        "created_at": "2025-05-02T10:48:00Z",
        "user_metadata": {"version": "3.0", "owner": "design-team"},
    },
    {
        "_id": "6809e45afbda09c2ec83184a",
        "method": "multipart",
        "status": "ready",
        "filename": "warehouse-safety-training.mp4",
        "file_type": "video/mp4",
        "size": 905_442_870,
        "duration": 1_211.75,
        "created_at": "2025-04-24T07:12:26Z",
        "user_metadata": {"department": "operations", "mandatory": True, "revision": 4},
    },
    {
        "_id": "67f920506c2d6ff46e2e42fb",
        "method": "url",
        "status": "ready",
        "filename": "team-offsite-group.jpg",
        "file_type": "image/jpeg",
        "size": 4_502_117,
        "created_at": "2025-04-11T13:59:44Z",
    },
    {
        "_id": "67e9c0966116b392f974ccec",
        "method": "direct",
        "status": "processing",
        "filename": "voiceover-take-3.wav",
        "file_type": "audio/wav",
        "size": 31_877_004,
        "duration": 180.0,
        "created_at": "2025-03-30T22:07:18Z",
    },
    {
        "_id": "67d83f2dad1128500c6a7fdc",
        "method": "direct",
        "status": "ready",
        "filename": "Spring-Launch-Teaser.webm",
        "file_type": "video/webm",
        "size": 12_640_559,
        "duration": 29.97,
        "created_at": "2025-03-17T15:26:37Z",
        "user_metadata": {"campaign": "spring-launch", "cut": "teaser", "loudness_lufs": -14.0},
    },
    {
        "_id": "67c56f9561ff52aa3ebec9c8",
        "method": "url",
        "status": "ready",
        "filename": "quarterly-report-q1.docx",
        "file_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "size": 1_204_336,
        "created_at": "2025-03-03T09:00:05Z",
    },
]


def sample_assets() -> list[dict[str, Any]]:
    """A fresh copy of the sample assets, newest first."""
    return copy.deepcopy(_SAMPLE_ASSETS)
