"""nbgrader configuration: this repository is an nbgrader course folder.

`solutions/` is nbgrader's *source* directory (one folder per assignment = chapter) and
`exercises/` is its *release* directory, so on a JupyterHub with nbgrader an instructor can run,
from the repository root:

    nbgrader generate_assignment 01_partial_derivatives --force   # writes exercises/01_…/ (the same bytes as make exercises)
    nbgrader collect / autograde 01_partial_derivatives            # submitted/<student>/01_…/ → autograded/
    nbgrader generate_feedback 01_partial_derivatives; nbgrader export   # grades.csv

The course's own grader `mvcalc-grade` reads the same folders and gives the same scores on honest
submissions (tests/test_grading_nbgrader.py), and also resists monkeypatching answers.
"""
import os
import sys

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# only the chapter notebook of each assignment folder (not AUTHORING.md etc.)
c.CourseDirectory.notebook_id = "*"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# nbgrader's own generate_assignment steps plus mvcalc's ChapterTag (metadata.mvcalc.chapter), the
# list mvcalc-build-exercises runs too: both write byte-identical exercises/NN_topic/NN_topic.ipynb
from mvcalc_helpers.grading.generate import nbgrader_preprocessors  # noqa: E402

c.GenerateAssignment.preprocessors = nbgrader_preprocessors()

# nbgrader deletes exercises/<assignment>/ before regenerating it: refuse (like make exercises)
# when a notebook there holds a learner's answers
if "generate_assignment" in sys.argv:
    from mvcalc_helpers.grading.generate import answered_releases  # noqa: E402

    _answered = answered_releases(sys.argv, os.path.dirname(os.path.abspath(__file__)))
    if _answered:
        sys.exit("nbgrader generate_assignment refused: these notebooks hold answers and would be "
                 "deleted: " + ", ".join(_answered) + ". Move them away first (answers belong in work/).")
# the same stub mvcalc-build-exercises writes
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# per-cell timeout when autograding (same default as mvcalc-grade --timeout)
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
