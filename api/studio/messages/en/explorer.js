// en messages for the explorer pages.
export default {
};
