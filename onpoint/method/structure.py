"""The shape of the Onpoint method, version 1.1: keys, labels and thresholds.

Constants only. Every other module in the Onpoint core takes its keys and thresholds from here,
so a change to the instrument's shape is a change to this one file.
"""

from __future__ import annotations

from typing import Final

# docs/onpoint-method.md: the version every number the product shows comes from.
METHOD_VERSION: Final = "1.1"

# Method section 1: four categories, nine dimensions, in the method's order.
CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "strategy": ("vision", "plan"),
    "operations": ("devices_tools", "it_support"),
    "design": ("teacher_role", "student_role"),
    "culture": ("buy_in", "risk_taking", "supportive"),
}
CATEGORY_KEYS: Final[tuple[str, ...]] = tuple(CATEGORIES)
DIMENSIONS: Final[tuple[str, ...]] = tuple(
    dimension for dimensions in CATEGORIES.values() for dimension in dimensions
)
CATEGORY_OF_DIMENSION: Final[dict[str, str]] = {
    dimension: category for category, dimensions in CATEGORIES.items() for dimension in dimensions
}

CATEGORY_LABELS: Final[dict[str, str]] = {
    "strategy": "Strategy Communication",
    "operations": "Operations",
    "design": "Instructional Design",
    "culture": "Culture of Innovation",
}
DIMENSION_LABELS: Final[dict[str, str]] = {
    "vision": "Vision",
    "plan": "Plan",
    "devices_tools": "Devices and digital tools",
    "it_support": "IT support",
    "teacher_role": "Teacher's role",
    "student_role": "Student's role",
    "buy_in": "Buy-in",
    "risk_taking": "Innovation and risk-taking",
    "supportive": "Supportive environment",
}

ONPOINT: Final = "onpoint"
SCORE_KEYS: Final[tuple[str, ...]] = (ONPOINT, *CATEGORY_KEYS, *DIMENSIONS)
SCORE_LABELS: Final[dict[str, str]] = {
    ONPOINT: "Onpoint score",
    **CATEGORY_LABELS,
    **DIMENSION_LABELS,
}

# Method section 2.
STAGES: Final[tuple[str, ...]] = ("planning", "year_1", "year_2", "year_3_plus")
STAGE_LABELS: Final[dict[str, str]] = {
    "planning": "Planning",
    "year_1": "Year 1",
    "year_2": "Year 2",
    "year_3_plus": "Year 3+",
}

# Method section 1: the respondent's role.
ROLES: Final[tuple[str, ...]] = (
    "teacher",
    "coach",
    "school_leader",
    "technology",
    "district_staff",
)
ROLE_LABELS: Final[dict[str, str]] = {
    "teacher": "Teacher",
    "coach": "Instructional coach",
    "school_leader": "School leader",
    "technology": "Technology staff",
    "district_staff": "District staff",
}

# Method section 3: the five-point agreement scale.
ANSWER_MIN: Final = 1
ANSWER_MAX: Final = 5

# Method section 4: "A score is reported only when its n >= 5".
MIN_REPORTED_N: Final = 5
REASON_FEW_RESPONSES: Final = "fewer than 5 responses"
REASON_COMPLEMENTARY: Final = "complementary suppression"

# Method section 5: "A benchmark is published only when n_districts >= 5".
MIN_PUBLISHED_DISTRICTS: Final = 5
# Method section 5: "compared after rounding to 4 decimals".
RANK_COMPARISON_DECIMALS: Final = 4

# Method section 7: "The category is divided when the gap is 15 points or more".
DIVIDED_GAP: Final = 15

# Method section 6.
LANDMARK_KEYS: Final[tuple[str, ...]] = (
    "shared_understanding",
    "operations",
    "student_agency",
    "culture",
)
LANDMARK_LABELS: Final[dict[str, str]] = {
    "shared_understanding": "Shared understanding",
    "operations": "Iterating on operations",
    "student_agency": "Student agency",
    "culture": "Culture of innovation",
}
LANDMARK_CATEGORY: Final[dict[str, str]] = {
    "shared_understanding": "strategy",
    "operations": "operations",
    "student_agency": "design",
    "culture": "culture",
}
ON_TRACK: Final = "on_track"
WATCH: Final = "watch"
NOT_YET: Final = "not_yet"
UNKNOWN: Final = "unknown"
LANDMARK_STATUSES: Final[tuple[str, ...]] = (ON_TRACK, WATCH, NOT_YET, UNKNOWN)
LANDMARK_STATUS_LABELS: Final[dict[str, str]] = {
    ON_TRACK: "On track",
    WATCH: "Watch",
    NOT_YET: "Not yet",
    UNKNOWN: "Unknown",
}
# Method section 6, landmark 3: "watch when teacher_role - student_role > 10".
STUDENT_AGENCY_GAP: Final = 10
# Method section 6, landmark 4: "watch when ... culture(C) - culture(P) < 1".
CULTURE_MIN_GROWTH: Final = 1
